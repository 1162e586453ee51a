-- CreateEnum
CREATE TYPE "CustomerBlocked" AS ENUM ('NONE', 'SHIP', 'INVOICE', 'ALL');

-- CreateEnum
CREATE TYPE "ErpTable" AS ENUM ('CUSTOMER', 'CONTACT', 'SALESPERSON', 'CURRENCY');

-- CreateEnum
CREATE TYPE "SyncDirection" AS ENUM ('BIDIRECTIONAL', 'TO_INTEGRATION_TABLE', 'FROM_INTEGRATION_TABLE');

-- CreateEnum
CREATE TYPE "UpdateConflictResolution" AS ENUM ('NONE', 'SEND_UPDATE_TO_INTEGRATION', 'GET_UPDATE_FROM_INTEGRATION');

-- CreateEnum
CREATE TYPE "DeletionConflictResolution" AS ENUM ('NONE', 'RESTORE_RECORDS', 'REMOVE_COUPLING');

-- CreateEnum
CREATE TYPE "MappingStatus" AS ENUM ('READY', 'RUNNING', 'PAUSED', 'ON_HOLD');

-- CreateEnum
CREATE TYPE "TemplateSide" AS ENUM ('ERP', 'DATAVERSE');

-- CreateEnum
CREATE TYPE "CouplingState" AS ENUM ('COUPLED', 'PENDING_DATAVERSE_CREATE');

-- CreateEnum
CREATE TYPE "SyncResult" AS ENUM ('NONE', 'SUCCESS', 'FAILURE');

-- CreateEnum
CREATE TYPE "SyncErrorClass" AS ENUM ('TRANSIENT', 'PERMANENT', 'WAITING_FOR_PARENT', 'CONFLICT', 'DELETION_CONFLICT', 'SKIPPED');

-- CreateEnum
CREATE TYPE "SyncJobType" AS ENUM ('SYNCHRONIZATION', 'COUPLING', 'UNCOUPLING');

-- CreateEnum
CREATE TYPE "SyncJobDirection" AS ENUM ('TO_INTEGRATION_TABLE', 'FROM_INTEGRATION_TABLE');

-- CreateEnum
CREATE TYPE "SyncJobTrigger" AS ENUM ('SCHEDULE', 'ERP_CHANGE', 'DATAVERSE_CHANGE', 'WEBHOOK', 'MANUAL', 'FULL_SYNC', 'API', 'RETRY');

-- CreateEnum
CREATE TYPE "SyncJobStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "SyncRecordOutcome" AS ENUM ('INSERTED', 'MODIFIED', 'DELETED', 'UNCHANGED', 'SKIPPED', 'FAILED', 'COUPLED', 'UNCOUPLED');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('VIEWER', 'USER', 'ADMIN');

-- CreateTable
CREATE TABLE "Customer" (
    "id" UUID NOT NULL,
    "no" VARCHAR(20) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "address" VARCHAR(100) NOT NULL DEFAULT '',
    "address2" VARCHAR(50) NOT NULL DEFAULT '',
    "postCode" VARCHAR(20) NOT NULL DEFAULT '',
    "city" VARCHAR(30) NOT NULL DEFAULT '',
    "county" VARCHAR(30) NOT NULL DEFAULT '',
    "countryRegionCode" VARCHAR(10) NOT NULL DEFAULT '',
    "phoneNo" VARCHAR(30) NOT NULL DEFAULT '',
    "mobilePhoneNo" VARCHAR(30) NOT NULL DEFAULT '',
    "email" VARCHAR(80) NOT NULL DEFAULT '',
    "faxNo" VARCHAR(30) NOT NULL DEFAULT '',
    "homePage" VARCHAR(80) NOT NULL DEFAULT '',
    "currencyCode" VARCHAR(10) NOT NULL DEFAULT '',
    "salespersonCode" VARCHAR(20) NOT NULL DEFAULT '',
    "creditLimit" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "primaryContactNo" VARCHAR(20) NOT NULL DEFAULT '',
    "blocked" "CustomerBlocked" NOT NULL DEFAULT 'NONE',
    "rowVersion" INTEGER NOT NULL DEFAULT 1,
    "changeXid" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" UUID NOT NULL,
    "no" VARCHAR(20) NOT NULL,
    "firstName" VARCHAR(30) NOT NULL DEFAULT '',
    "middleName" VARCHAR(30) NOT NULL DEFAULT '',
    "surname" VARCHAR(30) NOT NULL DEFAULT '',
    "name" VARCHAR(100) NOT NULL,
    "jobTitle" VARCHAR(100) NOT NULL DEFAULT '',
    "customerId" UUID,
    "address" VARCHAR(100) NOT NULL DEFAULT '',
    "address2" VARCHAR(50) NOT NULL DEFAULT '',
    "postCode" VARCHAR(20) NOT NULL DEFAULT '',
    "city" VARCHAR(30) NOT NULL DEFAULT '',
    "county" VARCHAR(30) NOT NULL DEFAULT '',
    "countryRegionCode" VARCHAR(10) NOT NULL DEFAULT '',
    "email" VARCHAR(80) NOT NULL DEFAULT '',
    "phoneNo" VARCHAR(30) NOT NULL DEFAULT '',
    "mobilePhoneNo" VARCHAR(30) NOT NULL DEFAULT '',
    "salutationCode" VARCHAR(10) NOT NULL DEFAULT '',
    "rowVersion" INTEGER NOT NULL DEFAULT 1,
    "changeXid" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Salesperson" (
    "id" UUID NOT NULL,
    "code" VARCHAR(20) NOT NULL,
    "name" VARCHAR(50) NOT NULL,
    "email" VARCHAR(80) NOT NULL DEFAULT '',
    "phoneNo" VARCHAR(30) NOT NULL DEFAULT '',
    "rowVersion" INTEGER NOT NULL DEFAULT 1,
    "changeXid" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Salesperson_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Currency" (
    "id" UUID NOT NULL,
    "code" VARCHAR(10) NOT NULL,
    "description" VARCHAR(30) NOT NULL DEFAULT '',
    "symbol" VARCHAR(10) NOT NULL DEFAULT '',
    "rowVersion" INTEGER NOT NULL DEFAULT 1,
    "changeXid" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Currency_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ErpDeletion" (
    "id" BIGSERIAL NOT NULL,
    "table" "ErpTable" NOT NULL,
    "recordId" UUID NOT NULL,
    "recordNo" VARCHAR(20) NOT NULL,
    "changeXid" BIGINT NOT NULL,
    "deletedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ErpDeletion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataverseConnection" (
    "id" UUID NOT NULL,
    "environmentUrl" VARCHAR(250) NOT NULL,
    "tenantId" VARCHAR(100) NOT NULL,
    "clientId" VARCHAR(100) NOT NULL,
    "clientSecretEnc" TEXT NOT NULL,
    "integrationUserId" UUID,
    "isEnabled" BOOLEAN NOT NULL DEFAULT false,
    "isEmulator" BOOLEAN NOT NULL DEFAULT false,
    "lastTestAt" TIMESTAMP(3),
    "lastTestOk" BOOLEAN,
    "lastTestMessage" TEXT,
    "webhookSecret" TEXT,
    "rowVersion" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DataverseConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntegrationTableMapping" (
    "id" UUID NOT NULL,
    "name" VARCHAR(20) NOT NULL,
    "erpTable" "ErpTable" NOT NULL,
    "dataverseEntity" VARCHAR(100) NOT NULL,
    "direction" "SyncDirection" NOT NULL,
    "tableFilter" JSONB NOT NULL DEFAULT '[]',
    "integrationTableFilter" JSONB NOT NULL DEFAULT '[]',
    "syncOnlyCoupledRecords" BOOLEAN NOT NULL DEFAULT true,
    "updateConflictResolution" "UpdateConflictResolution" NOT NULL DEFAULT 'NONE',
    "deletionConflictResolution" "DeletionConflictResolution" NOT NULL DEFAULT 'NONE',
    "dependencies" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "syncAfterMatchBasedCoupling" BOOLEAN NOT NULL DEFAULT false,
    "createNewIfNoMatch" BOOLEAN NOT NULL DEFAULT false,
    "isEnabled" BOOLEAN NOT NULL DEFAULT true,
    "scheduleSeconds" INTEGER NOT NULL DEFAULT 60,
    "status" "MappingStatus" NOT NULL DEFAULT 'READY',
    "erpWatermark" BIGINT NOT NULL DEFAULT 0,
    "dataverseDeltaLink" TEXT,
    "dataverseModifiedOnWatermark" TIMESTAMP(3),
    "runLeaseOwner" TEXT,
    "runLeaseUntil" TIMESTAMP(3),
    "fullSyncRunning" BOOLEAN NOT NULL DEFAULT false,
    "lastRunAt" TIMESTAMP(3),
    "rowVersion" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IntegrationTableMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntegrationFieldMapping" (
    "id" UUID NOT NULL,
    "mappingId" UUID NOT NULL,
    "erpField" VARCHAR(60),
    "dataverseAttribute" VARCHAR(100),
    "direction" "SyncDirection" NOT NULL,
    "constantValue" VARCHAR(100),
    "transformation" JSONB,
    "clearValueOnFailedSync" BOOLEAN NOT NULL DEFAULT false,
    "notNull" BOOLEAN NOT NULL DEFAULT false,
    "isEnabled" BOOLEAN NOT NULL DEFAULT true,
    "useForMatchBasedCoupling" BOOLEAN NOT NULL DEFAULT false,
    "caseSensitiveMatching" BOOLEAN NOT NULL DEFAULT false,
    "matchPriority" INTEGER NOT NULL DEFAULT 0,
    "isUserDefined" BOOLEAN NOT NULL DEFAULT false,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IntegrationFieldMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConfigTemplate" (
    "id" UUID NOT NULL,
    "mappingId" UUID NOT NULL,
    "side" "TemplateSide" NOT NULL,
    "code" VARCHAR(20) NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "filter" JSONB NOT NULL DEFAULT '[]',
    "values" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "ConfigTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Coupling" (
    "id" UUID NOT NULL,
    "mappingId" UUID NOT NULL,
    "erpTable" "ErpTable" NOT NULL,
    "erpId" UUID NOT NULL,
    "dataverseEntity" VARCHAR(100) NOT NULL,
    "dataverseId" UUID NOT NULL,
    "state" "CouplingState" NOT NULL DEFAULT 'COUPLED',
    "snapshot" JSONB NOT NULL DEFAULT '{}',
    "lastSyncedErpVersion" INTEGER,
    "lastSyncedDataverseVersion" BIGINT,
    "lastSyncedDataverseModifiedOn" TIMESTAMP(3),
    "lastToResult" "SyncResult" NOT NULL DEFAULT 'NONE',
    "lastToJobId" UUID,
    "lastToAt" TIMESTAMP(3),
    "lastFromResult" "SyncResult" NOT NULL DEFAULT 'NONE',
    "lastFromJobId" UUID,
    "lastFromAt" TIMESTAMP(3),
    "isSkipped" BOOLEAN NOT NULL DEFAULT false,
    "errorClass" "SyncErrorClass",
    "errorMessage" TEXT,
    "errorSignature" VARCHAR(64),
    "conflict" JSONB,
    "failedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Coupling_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncJob" (
    "id" UUID NOT NULL,
    "type" "SyncJobType" NOT NULL,
    "mappingId" UUID NOT NULL,
    "direction" "SyncJobDirection",
    "trigger" "SyncJobTrigger" NOT NULL,
    "status" "SyncJobStatus" NOT NULL DEFAULT 'QUEUED',
    "scope" JSONB,
    "requestedById" UUID,
    "workerId" VARCHAR(100),
    "inserted" INTEGER NOT NULL DEFAULT 0,
    "modified" INTEGER NOT NULL DEFAULT 0,
    "deleted" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "coupled" INTEGER NOT NULL DEFAULT 0,
    "uncoupled" INTEGER NOT NULL DEFAULT 0,
    "progressTotal" INTEGER,
    "progressDone" INTEGER NOT NULL DEFAULT 0,
    "dataverseRequests" INTEGER NOT NULL DEFAULT 0,
    "message" VARCHAR(2048),
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),

    CONSTRAINT "SyncJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncJobError" (
    "id" UUID NOT NULL,
    "jobId" UUID NOT NULL,
    "couplingId" UUID,
    "sourceTable" VARCHAR(100) NOT NULL,
    "sourceId" VARCHAR(100),
    "sourceRef" VARCHAR(250),
    "destinationTable" VARCHAR(100),
    "destinationId" VARCHAR(100),
    "destinationRef" VARCHAR(250),
    "errorClass" "SyncErrorClass" NOT NULL,
    "message" VARCHAR(2048) NOT NULL,
    "detail" TEXT,
    "signature" VARCHAR(64) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncJobError_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncRecordLog" (
    "id" BIGSERIAL NOT NULL,
    "jobId" UUID NOT NULL,
    "erpTable" "ErpTable" NOT NULL,
    "erpId" UUID,
    "dataverseId" UUID,
    "outcome" "SyncRecordOutcome" NOT NULL,
    "message" VARCHAR(2048),
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncRecordLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" VARCHAR(200) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "passwordHash" TEXT,
    "role" "Role" NOT NULL DEFAULT 'VIEWER',
    "locale" VARCHAR(5) NOT NULL DEFAULT 'en',
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "rowVersion" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "tokenHash" VARCHAR(64) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" UUID,
    "actor" VARCHAR(200) NOT NULL,
    "action" VARCHAR(60) NOT NULL,
    "entityType" VARCHAR(60) NOT NULL,
    "entityId" VARCHAR(100),
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateLimitBucket" (
    "key" VARCHAR(200) NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "RateLimitBucket_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "WorkerHeartbeat" (
    "id" VARCHAR(100) NOT NULL,
    "hostname" VARCHAR(200) NOT NULL,
    "pid" INTEGER NOT NULL,
    "queueBackend" VARCHAR(20) NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "jobsProcessed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Customer_no_key" ON "Customer"("no");

-- CreateIndex
CREATE INDEX "Customer_name_idx" ON "Customer"("name");

-- CreateIndex
CREATE INDEX "Customer_city_idx" ON "Customer"("city");

-- CreateIndex
CREATE INDEX "Customer_changeXid_id_idx" ON "Customer"("changeXid", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Contact_no_key" ON "Contact"("no");

-- CreateIndex
CREATE INDEX "Contact_name_idx" ON "Contact"("name");

-- CreateIndex
CREATE INDEX "Contact_customerId_idx" ON "Contact"("customerId");

-- CreateIndex
CREATE INDEX "Contact_changeXid_id_idx" ON "Contact"("changeXid", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Salesperson_code_key" ON "Salesperson"("code");

-- CreateIndex
CREATE INDEX "Salesperson_changeXid_id_idx" ON "Salesperson"("changeXid", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Currency_code_key" ON "Currency"("code");

-- CreateIndex
CREATE INDEX "Currency_changeXid_id_idx" ON "Currency"("changeXid", "id");

-- CreateIndex
CREATE INDEX "ErpDeletion_table_changeXid_idx" ON "ErpDeletion"("table", "changeXid");

-- CreateIndex
CREATE UNIQUE INDEX "IntegrationTableMapping_name_key" ON "IntegrationTableMapping"("name");

-- CreateIndex
CREATE INDEX "IntegrationFieldMapping_mappingId_idx" ON "IntegrationFieldMapping"("mappingId");

-- CreateIndex
CREATE UNIQUE INDEX "ConfigTemplate_mappingId_side_code_key" ON "ConfigTemplate"("mappingId", "side", "code");

-- CreateIndex
CREATE INDEX "Coupling_mappingId_errorClass_idx" ON "Coupling"("mappingId", "errorClass");

-- CreateIndex
CREATE INDEX "Coupling_mappingId_isSkipped_idx" ON "Coupling"("mappingId", "isSkipped");

-- CreateIndex
CREATE UNIQUE INDEX "Coupling_erpTable_erpId_key" ON "Coupling"("erpTable", "erpId");

-- CreateIndex
CREATE UNIQUE INDEX "Coupling_dataverseEntity_dataverseId_key" ON "Coupling"("dataverseEntity", "dataverseId");

-- CreateIndex
CREATE INDEX "SyncJob_mappingId_queuedAt_idx" ON "SyncJob"("mappingId", "queuedAt");

-- CreateIndex
CREATE INDEX "SyncJob_queuedAt_idx" ON "SyncJob"("queuedAt");

-- CreateIndex
CREATE INDEX "SyncJob_status_idx" ON "SyncJob"("status");

-- CreateIndex
CREATE INDEX "SyncJobError_jobId_idx" ON "SyncJobError"("jobId");

-- CreateIndex
CREATE INDEX "SyncJobError_couplingId_idx" ON "SyncJobError"("couplingId");

-- CreateIndex
CREATE INDEX "SyncJobError_signature_idx" ON "SyncJobError"("signature");

-- CreateIndex
CREATE INDEX "SyncRecordLog_erpTable_erpId_at_idx" ON "SyncRecordLog"("erpTable", "erpId", "at");

-- CreateIndex
CREATE INDEX "SyncRecordLog_jobId_idx" ON "SyncRecordLog"("jobId");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- CreateIndex
CREATE INDEX "AuditEntry_entityType_entityId_at_idx" ON "AuditEntry"("entityType", "entityId", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntegrationFieldMapping" ADD CONSTRAINT "IntegrationFieldMapping_mappingId_fkey" FOREIGN KEY ("mappingId") REFERENCES "IntegrationTableMapping"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConfigTemplate" ADD CONSTRAINT "ConfigTemplate_mappingId_fkey" FOREIGN KEY ("mappingId") REFERENCES "IntegrationTableMapping"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Coupling" ADD CONSTRAINT "Coupling_mappingId_fkey" FOREIGN KEY ("mappingId") REFERENCES "IntegrationTableMapping"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncJob" ADD CONSTRAINT "SyncJob_mappingId_fkey" FOREIGN KEY ("mappingId") REFERENCES "IntegrationTableMapping"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncJobError" ADD CONSTRAINT "SyncJobError_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "SyncJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRecordLog" ADD CONSTRAINT "SyncRecordLog_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "SyncJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEntry" ADD CONSTRAINT "AuditEntry_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
