import { z } from "zod";

// Dataverse responses are parsed here, at the boundary, and nowhere else. Schemas are loose (passthrough):
// Dataverse adds annotations and members over time and the client must tolerate them (reference §5).

export const errorBodySchema = z.object({
  error: z.looseObject({
    code: z.string().optional().default(""),
    message: z.string().optional().default(""),
  }),
});

export const tokenResponseSchema = z.looseObject({
  token_type: z.string(),
  expires_in: z.coerce.number(),
  access_token: z.string().min(1),
});

export const entitySchema = z.record(z.string(), z.unknown());
export type Entity = z.infer<typeof entitySchema>;

export const collectionPageSchema = z.looseObject({
  value: z.array(entitySchema),
  "@odata.nextLink": z.string().optional(),
  "@odata.deltaLink": z.string().optional(),
  "@odata.count": z.number().optional(),
});
export type CollectionPage = z.infer<typeof collectionPageSchema>;

export const deletedEntitySchema = z.looseObject({
  "@odata.context": z.string().regex(/\$deletedEntity$/),
  id: z.string(),
  reason: z.string().optional(),
});

export const attributeMetadataSchema = z.looseObject({
  LogicalName: z.string(),
  AttributeType: z.string().optional(),
  AttributeTypeName: z.looseObject({ Value: z.string() }).nullish(),
  MaxLength: z.number().nullish(),
  SchemaName: z.string().optional(),
  IsValidForCreate: z.boolean().nullish(),
  IsValidForUpdate: z.boolean().nullish(),
  IsValidForRead: z.boolean().nullish(),
  IsPrimaryId: z.boolean().nullish(),
  IsPrimaryName: z.boolean().nullish(),
  Targets: z.array(z.string()).nullish(),
});
export const attributeCollectionSchema = z.looseObject({ value: z.array(attributeMetadataSchema) });

export const whoAmISchema = z.looseObject({
  UserId: z.string(),
  BusinessUnitId: z.string().optional(),
  OrganizationId: z.string().optional(),
});
