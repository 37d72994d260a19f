// Drives the dashboard in headless Chromium (Debian's /usr/bin/chromium) with playwright-core.
// Usage: node dashboard.mjs SERVER_URL [SCREENSHOT_DIR]
// The Python test (tests/test_dashboard_browser.py) fills the server through boto3. When this
// script needs a change made while a page is open it prints {"wait": NAME} and reads one JSON
// line back from stdin ({"title": ...}). It ends by printing {"result": {...}}; any failed check
// exits non-zero with the reason on stderr.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const [serverUrl, screenshotDir] = process.argv.slice(2);
assert.ok(serverUrl, "usage: node dashboard.mjs SERVER_URL [SCREENSHOT_DIR]");
const DASHBOARD = serverUrl + "/_ssm_incidents_mock/dashboard";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
setTimeout(() => {
  console.error("dashboard.mjs: gave up after 150 s");
  process.exit(3);
}, 150_000).unref();

const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
async function ask(name) {
  console.log(JSON.stringify({ wait: name }));
  const line = await input.next();
  assert.ok(!line.done, `no answer to ${name}`);
  return JSON.parse(line.value);
}

const userDataDir = mkdtempSync(join(tmpdir(), "dashboard-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: CHROMIUM_FLAGS,
  viewport: { width: 1280, height: 800 },
  timeout: 60_000,
});
const result = { dialogs: [], consoleErrors: [], offsite: [], checks: [] };
try {
  // Nothing may leave the machine: every request to another host is refused and recorded.
  const origin = new URL(serverUrl).origin;
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) {
      return route.continue();
    }
    result.offsite.push(url);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  page.on("dialog", (dialog) => {
    result.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  page.on("console", (message) => {
    if (message.type() === "error") result.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => result.consoleErrors.push(String(error)));

  // The index lists the account; follow it to the overview.
  await page.goto(DASHBOARD);
  await page.getByRole("link", { name: "123456789012" }).click();
  await page.waitForURL(/\/account\/123456789012\/aws$/);
  const rows = page.locator("table.incidents tbody tr");
  assert.equal(await rows.count(), 4);
  assert.equal(await page.locator("table.incidents tbody tr").first().locator("td.title").textContent(), "Checkout latency above 2 s");
  // The stored <script> title is text, not markup.
  const scripted = page.locator("table.incidents td.title", { hasText: "<script>alert(1)</script>" });
  assert.equal(await scripted.count(), 1);
  assert.equal(await page.locator("#live script").count(), 0);
  assert.equal(await page.locator("section", { hasText: "Replication set" }).locator("tbody tr").count(), 2);
  result.checks.push("overview");
  if (screenshotDir) await page.screenshot({ path: join(screenshotDir, "dashboard-overview.png"), fullPage: true });

  // An incident's page: its timeline, told apart by kind.
  await page.getByRole("link", { name: "Checkout latency above 2 s" }).click();
  await page.waitForURL(/\/incident\?arn=/);
  assert.equal(await page.locator(".incident-title").textContent(), "Checkout latency above 2 s");
  const events = page.locator("ol.timeline li.event");
  const eventCount = await events.count();
  assert.ok(eventCount >= 4, `only ${eventCount} timeline events`);
  assert.ok((await page.locator("li.event-auto").count()) >= 1, "no automatic event");
  assert.equal(await page.locator("li.event-note").count(), 1);
  assert.ok((await page.locator("li.event-custom").count()) >= 2);
  await page.locator("li.event-note", { hasText: "Rolled back checkout-api to v41" }).waitFor();
  const side = (name) => page.locator("section", { has: page.getByRole("heading", { name, exact: true }) });
  await side("Related items").locator("li", { hasText: "p99 latency" }).waitFor();
  await side("Automation executions").locator("li", { hasText: "AWSIncidents-CriticalIncidentRunbookTemplate" }).waitFor();
  await side("Findings").locator("li", { hasText: "d-CHECKOUT42" }).waitFor();
  result.checks.push("incident");
  if (screenshotDir) await page.screenshot({ path: join(screenshotDir, "dashboard-incident.png"), fullPage: true });

  // A note added while the incident page is open shows up without a reload.
  await page.evaluate(() => { window.__sameDocument = true; });
  const note = await ask("add-note");
  await page.locator("li.event-note", { hasText: note.text }).waitFor({ timeout: 15_000 });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, "the incident page was reloaded");
  result.eventsAfterNote = await events.count();
  result.checks.push("incident-live");

  // A new incident started while the overview is open shows up without a reload.
  await page.goBack();
  await page.waitForURL(/\/account\/123456789012\/aws$/);
  await page.evaluate(() => { window.__sameDocument = true; });
  const started = await ask("start-incident");
  await page.locator("table.incidents tbody tr").first().locator("td.title", { hasText: started.title }).waitFor({ timeout: 15_000 });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, "the overview was reloaded");
  assert.equal(await rows.count(), 5);
  assert.match(await page.locator("#live-status").textContent(), /^Live/);
  result.checks.push("overview-live");

  // The status filter narrows the list (a plain GET form).
  await page.getByLabel("RESOLVED").check();
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/status=RESOLVED/);
  assert.equal(await rows.count(), 1);
  result.checks.push("filter");

  result.scriptTitleText = await page.evaluate(() => document.title);
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
assert.deepEqual(result.dialogs, [], "a dialog opened");
assert.deepEqual(result.offsite, [], "the page asked for something off this server");
assert.deepEqual(result.consoleErrors, [], "the console logged errors (CSP violations show here)");
console.log(JSON.stringify({ result }));
process.exit(0);
