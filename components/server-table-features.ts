import { columnFilteringFeature, rowPaginationFeature, rowSortingFeature, tableFeatures } from "@tanstack/react-table";

// The features of every server-driven list: sorting, filtering and paging are done by the database (manual mode),
// so no client row models are registered. Module-level so the object stays stable across renders.
export const serverTableFeatures = tableFeatures({ rowSortingFeature, rowPaginationFeature, columnFilteringFeature });
export type ServerTableFeatures = typeof serverTableFeatures;
