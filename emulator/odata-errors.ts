// Dataverse error envelopes ({"error":{"code","message"}}) with the codes and texts of reference §4 and §5.

export class DataverseFault extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

// Exception names Dataverse adds as @Microsoft.PowerApps.CDS.ErrorDetails.ApiExceptionMessageName when annotations are requested.
const exceptionNames: Record<string, string> = {
  "0x80040217": "ObjectDoesNotExist",
  "0x80040237": "DuplicateRecord",
  "0x80060882": "ConcurrencyVersionMismatch",
  "0x80060892": "DuplicateRecordEntityKey",
  "0x80044331": "ValidationError",
  "0x80048d19": "PayloadProcessingError",
  "0x80044352": "ExpiredVersionStamp",
  "0x80072322": "ThrottlingBurstRequestLimitExceededError",
  "0x80072321": "ThrottlingTimeExceededError",
  "0x80072326": "ThrottlingConcurrencyLimitExceededError",
};

export function errorBody(fault: DataverseFault, includeDetails: boolean): string {
  const error: Record<string, unknown> = { code: fault.code, message: fault.message };
  if (includeDetails) {
    const name = exceptionNames[fault.code];
    if (name) error["@Microsoft.PowerApps.CDS.ErrorDetails.ApiExceptionMessageName"] = name;
    error["@Microsoft.PowerApps.CDS.ErrorDetails.ApiExceptionHttpStatusCode"] = String(fault.status);
    error["@Microsoft.PowerApps.CDS.HelpLink"] = `http://go.microsoft.com/fwlink/?LinkID=398563&error=Microsoft.Crm.CrmException%3a${fault.code.replace(/^0x/, "")}&client=platform`;
    error["@Microsoft.PowerApps.CDS.InnerError.Message"] = fault.message;
  }
  return JSON.stringify({ error });
}

export const faults = {
  notFound(entity: string, id: string): DataverseFault {
    return new DataverseFault(404, "0x80040217", `Entity '${entity}' With Id = ${id} Does Not Exist`);
  },
  notFoundByKey(entity: string, keyText: string): DataverseFault {
    return new DataverseFault(404, "0x80040217", `A record with the specified key values does not exist in ${entity} entity`, { "x-key": keyText });
  },
  segment(segment: string): DataverseFault {
    return new DataverseFault(404, "0x8006088a", `Resource not found for the segment '${segment}'.`);
  },
  noResource(url: string): DataverseFault {
    return new DataverseFault(404, "", `No HTTP resource was found that matches the request URI '${url}'.`);
  },
  unknownProperty(property: string, entity: string): DataverseFault {
    return new DataverseFault(400, "0x0", `Could not find a property named '${property}' on type 'Microsoft.Dynamics.CRM.${entity}'.`);
  },
  invalidBodyProperty(property: string, entity: string): DataverseFault {
    const text = `Invalid property '${property}' was found in entity 'Microsoft.Dynamics.CRM.${entity}'.`;
    return new DataverseFault(400, "0x0", `An error occurred while validating input parameters: Microsoft.Crm.CrmException: ${text} ---> Microsoft.Crm.CrmException: ${text}`);
  },
  payload(entitySet: string, inner: string): DataverseFault {
    return new DataverseFault(
      400,
      "0x80048d19",
      `Error identified in Payload provided by the user for Entity :'${entitySet}', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ---->  InnerException : ${inner}`,
    );
  },
  tooLong(attribute: string, entity: string, maxLength: number): DataverseFault {
    return new DataverseFault(
      400,
      "0x80044331",
      `A validation error occurred.  The length of the '${attribute}' attribute of the '${entity}' entity exceeded the maximum allowed length of '${maxLength}'.`,
    );
  },
  validation(message: string): DataverseFault {
    return new DataverseFault(400, "0x80044331", `A validation error occurred.  ${message}`);
  },
  querySyntax(message: string): DataverseFault {
    return new DataverseFault(400, "0x80060888", message);
  },
  versionMismatch(): DataverseFault {
    return new DataverseFault(412, "0x80060882", "The version of the existing record doesn't match the RowVersion property provided.");
  },
  alreadyExists(): DataverseFault {
    return new DataverseFault(412, "0x80040237", "A record with matching key values already exists.");
  },
  duplicateId(): DataverseFault {
    return new DataverseFault(412, "0x80040237", "Cannot insert duplicate key.");
  },
  duplicateKey(keyName: string, attributes: string[]): DataverseFault {
    return new DataverseFault(
      412,
      "0x80060892",
      `Entity Key ${keyName} violated. A record with the same value for ${attributes.join(",")} already exists. A duplicate record cannot be created or updated.`,
    );
  },
  invalidKey(entity: string): DataverseFault {
    return new DataverseFault(
      400,
      "0x80060888",
      `The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.${entity}'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource 'Microsoft.Dynamics.CRM.${entity}'.`,
    );
  },
  methodNotAllowed(): DataverseFault {
    return new DataverseFault(405, "0x80060888", "The requested resource does not support http method.");
  },
  expiredToken(): DataverseFault {
    return new DataverseFault(400, "0x80044352", "Version stamp associated with the client has expired. Please perform a full sync.");
  },
  trackChangesOption(option: string): DataverseFault {
    return new DataverseFault(400, "0x80060888", `The "${option}" query parameter isn't supported when Change Tracking is enabled.`);
  },
};
