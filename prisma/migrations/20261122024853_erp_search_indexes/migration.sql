-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "Contact_no_trgm_idx" ON "Contact" USING GIN ("no" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Contact_name_trgm_idx" ON "Contact" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Contact_email_trgm_idx" ON "Contact" USING GIN ("email" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Customer_salespersonCode_idx" ON "Customer"("salespersonCode");

-- CreateIndex
CREATE INDEX "Customer_currencyCode_idx" ON "Customer"("currencyCode");

-- CreateIndex
CREATE INDEX "Customer_countryRegionCode_idx" ON "Customer"("countryRegionCode");

-- CreateIndex
CREATE INDEX "Customer_creditLimit_idx" ON "Customer"("creditLimit");

-- CreateIndex
CREATE INDEX "Customer_no_trgm_idx" ON "Customer" USING GIN ("no" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Customer_name_trgm_idx" ON "Customer" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Customer_city_trgm_idx" ON "Customer" USING GIN ("city" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Customer_email_trgm_idx" ON "Customer" USING GIN ("email" gin_trgm_ops);
