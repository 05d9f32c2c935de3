import type { Page } from 'playwright-core';

/**
 * Signs the page in to the console with an API key: the secondary sign-in, behind the "Sign in with an API key"
 * disclosure (the primary form is e-mail and password, docs/console.md). Waits until the shell shows who is signed in.
 */
export async function signInWithKey(page: Page, base: string, key: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByText('Sign in with an API key').click();
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in with key' }).click();
  await page.getByTestId('whoami').waitFor();
}
