import { ConfidentialClientApplication, type Configuration } from "@azure/msal-node";
import { environmentUrl, type DataverseConfig } from "./dataverse-config.ts";
import { TokenAcquisitionError } from "./dataverse-error.ts";

export type TokenProvider = {
  getToken(): Promise<string>;
  // Called after a 401: the next getToken() bypasses msal's cache and asks the token endpoint again.
  invalidate(): void;
};

const microsoftAuthorityHosts = new Set([
  "login.microsoftonline.com",
  "login.microsoftonline.us",
  "login.chinacloudapi.cn",
  "login.partner.microsoftonline.cn",
]);

export const defaultAuthorityHost = "https://login.microsoftonline.com";

// msal-node is used for every environment. For Entra ID it does its normal instance discovery. For any other
// authority host (the emulator, a test IdP) we hand msal the authority and OpenID metadata ourselves
// (authorityMetadata / cloudDiscoveryMetadata / knownAuthorities), so it does no discovery requests. msal insists
// on an https authority URL, but its token request goes to the metadata's token_endpoint through fetch, which may be
// http:// — so the emulator is reached through exactly the code path production uses.
export function msalConfiguration(config: Pick<DataverseConfig, "tenantId" | "clientId" | "clientSecret" | "authorityHost">): Configuration {
  const authorityHost = (config.authorityHost ?? defaultAuthorityHost).replace(/\/+$/, "");
  const hostUrl = new URL(authorityHost);
  const tenant = encodeURIComponent(config.tenantId);
  if (microsoftAuthorityHosts.has(hostUrl.hostname) && hostUrl.protocol === "https:") {
    return {
      auth: { clientId: config.clientId, clientSecret: config.clientSecret, authority: `${authorityHost}/${tenant}` },
    };
  }
  const host = hostUrl.host;
  const base = `${authorityHost}/${tenant}`;
  return {
    auth: {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      authority: `https://${host}/${tenant}`,
      knownAuthorities: [host],
      authorityMetadata: JSON.stringify({
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        issuer: `${base}/v2.0`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
      }),
      cloudDiscoveryMetadata: JSON.stringify({
        tenant_discovery_endpoint: `${base}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      }),
    },
  };
}

export function defaultScope(config: Pick<DataverseConfig, "baseUrl" | "scope">): string {
  return config.scope ?? `${environmentUrl(config)}/.default`;
}

// msal caches the token in memory and treats it as expired 5 minutes early (DEFAULT_TOKEN_RENEWAL_OFFSET_SEC), so
// calling it before every request is cheap and renews early. Concurrent callers share one in-flight acquisition.
export function createMsalTokenProvider(
  config: Pick<DataverseConfig, "baseUrl" | "tenantId" | "clientId" | "clientSecret" | "authorityHost" | "scope">,
): TokenProvider {
  const app = new ConfidentialClientApplication(msalConfiguration(config));
  const scopes = [defaultScope(config)];
  let forceRefresh = false;
  let pending: Promise<string> | null = null;

  const acquire = async (skipCache: boolean): Promise<string> => {
    try {
      const result = await app.acquireTokenByClientCredential({ scopes, skipCache });
      if (!result?.accessToken) throw new Error("token endpoint returned no access token");
      return result.accessToken;
    } catch (error) {
      throw new TokenAcquisitionError({
        status: 401,
        code: errorCodeOf(error),
        message: `Could not get an access token for ${scopes[0]}: ${error instanceof Error ? error.message : String(error)}`,
        retryClass: isNetworkFailure(error) ? "transient" : "auth",
        cause: error,
      });
    }
  };

  return {
    getToken() {
      if (pending) return pending;
      const skipCache = forceRefresh;
      forceRefresh = false;
      pending = acquire(skipCache).finally(() => {
        pending = null;
      });
      return pending;
    },
    invalidate() {
      forceRefresh = true;
    },
  };
}

function errorCodeOf(error: unknown): string {
  if (error && typeof error === "object" && "errorCode" in error && typeof error.errorCode === "string") return error.errorCode;
  return "TokenError";
}

function isNetworkFailure(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code === "network_error" || code === "request_timeout" || /Network request failed|timeout/i.test(String((error as Error)?.message));
}
