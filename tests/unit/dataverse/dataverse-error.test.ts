import { describe, expect, it } from "vitest";
import {
  ChangeTrackingExpiredError,
  classifyStatus,
  DataverseError,
  errorFromResponse,
  isChangeTrackingExpired,
  parseRetryAfterMs,
} from "../../../lib/dataverse/dataverse-error.ts";

describe("error classification", () => {
  it.each([
    [429, "0x80072322", "throttled"],
    [503, "", "transient"],
    [502, "", "transient"],
    [504, "", "transient"],
    [500, "", "transient"],
    [500, "0x80040333", "invalid"],
    [501, "", "invalid"],
    [408, "", "transient"],
    [0, "NetworkError", "transient"],
    [412, "0x80060882", "conflict"],
    [412, "", "conflict"],
    [400, "0x80040237", "conflict"],
    [404, "0x80040217", "notFound"],
    [401, "", "auth"],
    [403, "", "auth"],
    [400, "0x80044331", "invalid"],
    [405, "", "invalid"],
    [413, "", "invalid"],
  ] as const)("status %i code %j is %s", (status, code, expected) => {
    expect(classifyStatus(status, code)).toBe(expected);
  });

  it("parses Dataverse's error body with zod, tolerating annotations", () => {
    const error = errorFromResponse({
      status: 404,
      bodyText: JSON.stringify({
        error: {
          code: "0x80040217",
          message: "Entity 'account' With Id = 5b4ced1c-88e1-ee11-904c-6045bd05e9d4 Does Not Exist",
          "@Microsoft.PowerApps.CDS.ErrorDetails.ApiExceptionMessageName": "ObjectDoesNotExist",
        },
      }),
    });
    expect(error).toBeInstanceOf(DataverseError);
    expect(error.status).toBe(404);
    expect(error.code).toBe("0x80040217");
    expect(error.message).toMatch(/Does Not Exist/);
    expect(error.retryClass).toBe("notFound");
    expect(error.isRetryable).toBe(false);
  });

  it("reads Retry-After on 429", () => {
    const error = errorFromResponse({
      status: 429,
      headers: new Headers({ "Retry-After": "7" }),
      bodyText: '{"error":{"code":"0x80072322","message":"Number of requests exceeded the limit of 6000 over time window of 300 seconds."}}',
    });
    expect(error.retryClass).toBe("throttled");
    expect(error.retryAfterMs).toBe(7000);
    expect(error.isRetryable).toBe(true);
  });

  it("keeps non-JSON and odd bodies usable", () => {
    const html = errorFromResponse({ status: 502, statusText: "Bad Gateway", bodyText: "<html>oops</html>" });
    expect(html.retryClass).toBe("transient");
    expect(html.code).toBe("");
    expect(html.message).toContain("oops");
    const empty = errorFromResponse({ status: 503, statusText: "Service Unavailable", bodyText: "" });
    expect(empty.message).toBe("503 Service Unavailable");
    const wrongShape = errorFromResponse({ status: 400, bodyText: '{"error":"nope"}' });
    expect(wrongShape.retryClass).toBe("invalid");
  });

  it("surfaces an expired change-tracking token as its own type", () => {
    const byCode = errorFromResponse({ status: 400, bodyText: '{"error":{"code":"0x80044352","message":"Version stamp associated with the client has expired. Please perform a full sync."}}' });
    expect(byCode).toBeInstanceOf(ChangeTrackingExpiredError);
    expect(isChangeTrackingExpired(byCode)).toBe(true);
    const byMessage = errorFromResponse({ status: 400, bodyText: '{"error":{"code":"","message":"Version stamp associated with the client has expired. Please perform a full sync."}}' });
    expect(isChangeTrackingExpired(byMessage)).toBe(true);
    expect(isChangeTrackingExpired(errorFromResponse({ status: 400, bodyText: "{}" }))).toBe(false);
  });

  it("parses Retry-After seconds and dates", () => {
    expect(parseRetryAfterMs("3")).toBe(3000);
    expect(parseRetryAfterMs(" 0 ")).toBe(0);
    expect(parseRetryAfterMs(null)).toBeNull();
    expect(parseRetryAfterMs("soon")).toBeNull();
    expect(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(10_000);
  });
});
