// Palisade's web pages in a real browser (Debian's chromium through playwright-core), against a
// running `palisade serve` prepared by run.sh: sign in, open the payments model, filter threats
// (form and diagram click), record a decision, meet the conflict a second session causes, look at
// history and audit, download the PDF report. Any console error, page error, Content-Security-
// Policy violation or request to another origin fails the run. A screenshot of each page goes to
// $E2E_OUT (target/e2e).
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const base = process.env.PALISADE_URL;
const modelName = process.env.PALISADE_MODEL_NAME || 'Acme Payments API';
const out = process.env.E2E_OUT || 'target/e2e';
mkdirSync(out, { recursive: true });

const problems = [];
// Console messages a step expects (Chrome logs every non-2xx page load as an error): the
// conflict page is answered 409 on purpose.
let expected = [];
const steps = [];
function step(text) {
  steps.push(text);
  console.log(`- ${text}`);
}
function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

function watch(page, who) {
  page.on('console', (m) => {
    if (expected.some((re) => re.test(m.text()))) return;
    if (m.type() === 'error' || /Content.Security.Policy|Refused to/i.test(m.text())) {
      problems.push(`${who}: console ${m.type()}: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      problems.push(`${who}: request to another origin: ${url}`);
    }
  });
}

async function context(browser, who) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  // Report CSP violations that do not reach the console as events (also before any script runs).
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const page = await ctx.newPage();
  watch(page, who);
  return { ctx, page };
}

async function signIn(page, name, password) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Sign in' }).click()]);
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: join(out, `${name}.png`), fullPage });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
let failed = null;
try {
  const a = await context(browser, 'alice');
  const page = a.page;

  step('the sign-in page');
  await page.goto(`${base}/login`);
  await shot(page, '01-login');
  await signIn(page, 'alice', 'alice-e2e-password');
  check(await page.getByRole('heading', { name: 'Models' }).isVisible(), 'the list of models');
  await shot(page, '02-models');

  step('the payments model');
  await Promise.all([page.waitForURL(/\/models\/[0-9a-f]+$/), page.getByRole('link', { name: modelName }).click()]);
  const modelUrl = page.url();
  await page.locator('#diagram svg.zoomable').waitFor();
  check(await page.locator('#diagram-tools').isVisible(), 'the zoom buttons show with JavaScript');
  await shot(page, '03-model', false);
  await shot(page, '03-model-full');
  const all = await page.locator('#threats tbody tr').count();
  check(all > 10, `the table lists the threats (${all})`);

  step('filter by severity (htmx swaps the table)');
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('severity=high')),
    page.locator('select[name=severity]').selectOption('high'),
  ]);
  await page.waitForFunction(() => document.querySelector('#threats .count').textContent.includes('match'));
  const high = await page.locator('#threats tbody tr').count();
  const sevs = await page.locator('#threats tbody .sev').allTextContents();
  check(high > 0 && high < all, `filtered to high (${high} of ${all})`);
  check(sevs.every((s) => s.trim().toLowerCase() === 'high'), `only high rows: ${sevs}`);
  check(page.url().includes('severity=high'), 'the URL keeps the filter');
  await shot(page, '04-filtered', false);

  step('click an element of the diagram: the table shows its threats');
  await page.locator('select[name=severity]').selectOption('');
  await page.waitForFunction(() => !document.querySelector('#threats .count').textContent.includes('match'));
  const gateway = page.locator('#diagram g.element[data-id="gateway"]');
  await gateway.scrollIntoViewIfNeeded();
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('element=gateway')),
    gateway.locator('.box').first().click(),
  ]);
  await page.waitForFunction(() => document.querySelector('#threats .count').textContent.includes('match'));
  check((await page.locator('#filter-element').inputValue()) === 'gateway', 'the element filter is set');
  const targets = await page.locator('#threats tbody td.target').allTextContents();
  check(targets.length > 0 && targets.every((t) => t.includes('gateway')), `only the gateway's threats: ${targets}`);
  await shot(page, '05-diagram-filter', false);

  step('open a threat and record a decision');
  const link = page.locator('#threats tbody a').first();
  await Promise.all([page.waitForURL(/\/threats\/TH-/), link.click()]);
  const threatUrl = page.url();
  await shot(page, '06-threat');
  await page.getByLabel('Status').selectOption('in_progress');
  await page.getByLabel('Strategy').selectOption('reduce');
  await page.getByLabel(/Justification/).fill('Rate limiting at the gateway, ticket to follow');
  await page.getByLabel(/Ticket/).fill('PAY-101');
  await Promise.all([page.waitForURL(/saved=/), page.getByRole('button', { name: 'Save decision' }).click()]);
  check(await page.getByText(/Saved as version \d+ of the model/).isVisible(), 'saved');
  await shot(page, '07-decision-saved');

  step('a second session changes the same threat; the first sees the conflict');
  // Alice's page holds the decision's ETag as it is now.
  await page.goto(threatUrl);
  await page.getByLabel('Status').selectOption('mitigated');
  await page.getByLabel(/Justification/).fill('Alice: mitigated by the gateway');
  const b = await context(browser, 'bob');
  await signIn(b.page, 'bob', 'bob-e2e-password');
  await b.page.goto(threatUrl);
  await b.page.getByLabel('Status').selectOption('accepted');
  await b.page.getByLabel('Strategy').selectOption('accept');
  await b.page.getByLabel(/Justification/).fill('Bob: accepted until the next release');
  await Promise.all([b.page.waitForURL(/saved=/), b.page.getByRole('button', { name: 'Save decision' }).click()]);
  expected = [/status of 409 \(Conflict\)/];
  await page.getByRole('button', { name: 'Save decision' }).click();
  await page.getByText('since you opened it').waitFor();
  expected = [];
  const alert = await page.locator('.alert.conflict').textContent();
  check(/Changed by bob at/.test(alert), `the conflict names who changed it: ${alert}`);
  check(alert.includes('Bob: accepted until the next release') && alert.includes('Alice: mitigated by the gateway'), 'both values side by side');
  check((await page.getByLabel(/Justification/).inputValue()) === 'Alice: mitigated by the gateway', 'the form keeps her values');
  await shot(page, '08-conflict');
  await b.ctx.close();

  step('history and audit log');
  await page.goto(`${modelUrl}/history`);
  check((await page.locator('table.versions tbody tr').count()) >= 3, 'three versions');
  await shot(page, '09-history');
  await Promise.all([page.waitForURL(/from=/), page.getByRole('button', { name: 'Compare' }).click()]);
  check(await page.locator('.diff').isVisible(), 'the difference between two versions');
  await shot(page, '09-history-diff');
  await page.goto(`${modelUrl}/audit`);
  check(await page.getByText('threat.decide').first().isVisible(), 'the decisions are in the audit log');
  await shot(page, '10-audit');

  step('download the PDF report');
  await page.goto(modelUrl);
  const [download] = await Promise.all([
    // Typst renders the PDF on the first request: slow in a debug build on a busy machine.
    page.waitForEvent('download', { timeout: 180000 }),
    page.locator('.downloads a', { hasText: 'PDF' }).click(),
  ]);
  const path = join(out, 'report.pdf');
  await download.saveAs(path);
  const head = readFileSync(path).subarray(0, 5).toString('latin1');
  check(head === '%PDF-', `the download is a PDF (starts with ${JSON.stringify(head)})`);

  step('sign out');
  await Promise.all([page.waitForURL(/\/login/), page.getByRole('button', { name: 'Sign out' }).click()]);
  await page.goto(modelUrl);
  check(page.url().startsWith(`${base}/login`), 'signed out: back to the sign-in page');
  await a.ctx.close();
} catch (e) {
  failed = e;
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(`\n${problems.length} problem(s) in the browser:\n${problems.join('\n')}`);
}
if (failed) {
  console.error(`\nfailed after: ${steps[steps.length - 1] || 'start'}\n${failed.stack || failed}`);
}
if (failed || problems.length) process.exit(1);
console.log(`\nall ${steps.length} steps passed; screenshots in ${out}`);
