import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "../../../components/page-header.tsx";
import { pageUser } from "../../../lib/auth/page-guard.ts";
import { listUsers } from "../../../lib/auth/users.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import { CreateUserForm } from "./create-user-form.tsx";
import { ForbiddenNotice } from "./forbidden-notice.tsx";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

const ROLE_LABELS = { VIEWER: "Viewer", USER: "User", ADMIN: "Admin" } as const;

export default async function UsersPage() {
  const { user, isAllowed } = await pageUser("/users", "users.manage");
  if (!isAllowed) return <ForbiddenNotice title="Users" role={user.role} what="manage users" />;
  const users = await listUsers(getDb());
  return (
    <main className="page">
      <PageHeader
        title="Users"
        subtitle="Who may sign in, with which role. Every change is recorded in the audit log."
        actions={
          <Link href="/users/tokens" className="button">
            API tokens
          </Link>
        }
      />
      <section className="card">
        <table className="data-table">
          <caption className="visually-hidden">Users of the console</caption>
          <thead>
            <tr>
              <th scope="col">E-mail</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Active API tokens</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>
                  <Link href={`/users/${u.id}`}>{u.email}</Link>
                </td>
                <td>{u.name}</td>
                <td>
                  <span className={`role-badge role-${u.role.toLowerCase()}`}>{ROLE_LABELS[u.role]}</span>
                </td>
                <td>{u.isActive ? "Active" : "Deactivated"}</td>
                <td>{u.activeTokenCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <CreateUserForm />
      </section>
    </main>
  );
}
