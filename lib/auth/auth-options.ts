import type { NextAuthOptions } from "next-auth";
import AzureADProvider from "next-auth/providers/azure-ad";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "../db/db-client.ts";
import { getEnv, isEntraIdConfigured, type Env } from "../env.ts";
import { authorizeCredentials, userForEntraSignIn } from "./credentials.ts";
import { ENTRA_NOT_ALLOWED } from "./login-errors.ts";
import { clientIpOf } from "./rate-limit.ts";

export const ENTRA_PROVIDER_ID = "azure-ad";

type EntraProfile = { email?: string; preferred_username?: string; upn?: string };

function entraEmailOf(profile: unknown, fallback: string | null | undefined): string | null {
  const p = (profile ?? {}) as EntraProfile;
  return p.email ?? p.preferred_username ?? p.upn ?? fallback ?? null;
}

// Sessions are JWTs (the credentials provider requires it); the token carries only the user id, and the role is
// re-read from the database on every request (authorize.ts), so a role change or deactivation applies at once.
export function buildAuthOptions(env: Env = getEnv()): NextAuthOptions {
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize(raw, request) {
        return authorizeCredentials(getDb(), raw, { ip: clientIpOf(request?.headers) });
      },
    }),
  ];
  if (isEntraIdConfigured(env)) {
    providers.push(
      AzureADProvider({
        name: "Microsoft Entra ID",
        clientId: env.AZURE_AD_CLIENT_ID!,
        clientSecret: env.AZURE_AD_CLIENT_SECRET!,
        tenantId: env.AZURE_AD_TENANT_ID!,
        authorization: { params: { scope: "openid profile email" } },
      }),
    );
  }
  return {
    secret: env.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/login", error: "/login" },
    providers,
    callbacks: {
      // Entra ID never creates users: the e-mail must belong to an existing, active console user.
      async signIn({ account, profile, user }) {
        if (account?.provider !== ENTRA_PROVIDER_ID) return true;
        const known = await userForEntraSignIn(getDb(), entraEmailOf(profile, user.email));
        return known ? true : `/login?error=${ENTRA_NOT_ALLOWED}`;
      },
      async jwt({ token, user, account, profile }) {
        if (!user) return token;
        if (account?.provider === ENTRA_PROVIDER_ID) {
          const known = await userForEntraSignIn(getDb(), entraEmailOf(profile, user.email));
          token.sub = known?.id;
          return token;
        }
        token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        return { ...session, userId: token.sub };
      },
    },
  };
}

export const authOptions = buildAuthOptions();
