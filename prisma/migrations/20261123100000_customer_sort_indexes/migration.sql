-- The customer list orders by the chosen column and then by "no" (unique, so paging is stable): ORDER BY <column>, "no"
-- LIMIT 50 OFFSET n. With an index on the column alone PostgreSQL reads every row that ties on the column and sorts
-- them: one group of 100,000 for a column every customer leaves empty (country, currency, salesperson, credit limit),
-- 10,000 per city, so at 100,000 customers those first pages took 50-160 ms of database time. An index on
-- (column, "no") returns the page in index order, forwards or backwards, in under a millisecond (P6 in
-- bench/README.md). The single-column indexes are replaced, not added to: lookups by the column alone (a salesperson's
-- or currency's customers) use the composite index as well, and writes keep the same number of indexes (inserts
-- measured ~9 % slower: the composite entries are unique, so they lose btree deduplication).
DROP INDEX "Customer_name_idx";
DROP INDEX "Customer_city_idx";
DROP INDEX "Customer_salespersonCode_idx";
DROP INDEX "Customer_currencyCode_idx";
DROP INDEX "Customer_countryRegionCode_idx";
DROP INDEX "Customer_creditLimit_idx";

CREATE INDEX "Customer_name_no_idx" ON "Customer"("name", "no");
CREATE INDEX "Customer_city_no_idx" ON "Customer"("city", "no");
CREATE INDEX "Customer_salespersonCode_no_idx" ON "Customer"("salespersonCode", "no");
CREATE INDEX "Customer_currencyCode_no_idx" ON "Customer"("currencyCode", "no");
CREATE INDEX "Customer_countryRegionCode_no_idx" ON "Customer"("countryRegionCode", "no");
CREATE INDEX "Customer_creditLimit_no_idx" ON "Customer"("creditLimit", "no");
