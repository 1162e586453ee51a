import { expect, test } from "@playwright/test";
import { DEMO, screenshot } from "./e2e-support.ts";

test("the login form can be completed with the keyboard alone", async ({ page }) => {
  await page.goto("/login");
  const email = page.getByLabel("E-mail");
  await expect(email).toBeFocused();
  await page.keyboard.type(DEMO.admin.email);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.keyboard.type(DEMO.admin.password);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeFocused();
  await screenshot(page, "keyboard-login-filled");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/customers$/);
  await expect(page.getByRole("heading", { level: 1, name: "Customers" })).toBeVisible();
  await screenshot(page, "keyboard-signed-in");
});

test("Enter in the password field submits, and a missing password is reported next to the field", async ({ page }) => {
  await page.goto("/login");
  await page.keyboard.type(DEMO.user.email);
  await page.keyboard.press("Enter");
  const password = page.getByLabel("Password");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(password).toHaveAccessibleDescription("Enter your password.");
  await screenshot(page, "keyboard-login-missing-password");
  await page.keyboard.press("Tab");
  await expect(password).toBeFocused();
  await page.keyboard.type(DEMO.user.password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/customers$/);
});
