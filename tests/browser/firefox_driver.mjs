// Drives Debian's firefox-esr over WebDriver BiDi with puppeteer-core, for the Python tests
// (tests/browser/firefox.py). One JSON command per line on stdin, one JSON reply per line on
// stdout: {"id": 1, "cmd": "goto", "url": "..."} -> {"id": 1, "ok": true, "value": ...}.
// Commands: goto {url}, evaluate {expression} (a function's source, awaited), click
// {selector}, fill {selector, value}, wait {selector, ms}, console (the lines logged
// since the last call), close. Usage: node firefox_driver.mjs [firefox-executable].
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

// puppeteer-core is a devDependency of the web client: resolve it from client/node_modules.
const require = createRequire(new URL("../../client/package.json", import.meta.url));
const puppeteer = require("puppeteer-core");

const executablePath = process.argv[2] || "/usr/bin/firefox-esr";
// With an X display (Xvfb, started by the Python side), Firefox runs headful: its screen
// capture needs a screen to capture; headless, getDisplayMedia finds no screen.
const headless = !process.env.DISPLAY;
// With FIREFOX_DOWNLOADS, a download is saved there without a question.
const downloads = process.env.FIREFOX_DOWNLOADS
  ? {
      "browser.download.folderList": 2,
      "browser.download.dir": process.env.FIREFOX_DOWNLOADS,
      "browser.download.useDownloadDir": true,
      "browser.download.always_ask_before_handling_new_types": false,
      "browser.helperApps.neverAsk.saveToDisk": "application/octet-stream",
      "browser.download.alwaysOpenPanel": false,
    }
  : {};

const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath,
  protocol: "webDriverBiDi",
  headless,
  extraPrefsFirefox: {
    // Fake camera, microphone and screen, no permission prompt.
    "media.navigator.streams.fake": true,
    "media.navigator.permission.disabled": true,
    "media.navigator.permission.fake": true,
    "media.getusermedia.screensharing.enabled": true,
    "media.getdisplaymedia.enabled": true,
    // The server announces 127.0.0.1 in tests: gather loopback candidates, no mDNS names.
    "media.peerconnection.ice.loopback": true,
    "media.peerconnection.ice.obfuscate_host_addresses": false,
    "media.peerconnection.ice.default_address_only": false,
    // Never reach out to a third party.
    "network.captive-portal-service.enabled": false,
    "network.connectivity-service.enabled": false,
    "app.update.enabled": false,
    "browser.safebrowsing.malware.enabled": false,
    "browser.safebrowsing.phishing.enabled": false,
    "extensions.update.enabled": false,
    "datareporting.policy.dataSubmissionEnabled": false,
    "toolkit.telemetry.enabled": false,
    "intl.accept_languages": "en-US, en",
    ...downloads,
  },
});
const page = await browser.newPage();
await page.setViewport({ width: 960, height: 600 });
let consoleLines = [];
page.on("console", (msg) => consoleLines.push(`${msg.type()}: ${msg.text()}`));
page.on("pageerror", (err) => consoleLines.push(`pageerror: ${err}`));

async function run(command) {
  switch (command.cmd) {
    case "goto":
      await page.goto(command.url, { waitUntil: "load" });
      return null;
    case "evaluate":
      // The expression is a function's source, called (and awaited) in the page.
      return await page.evaluate(`(${command.expression})()`);
    case "click":
      await page.click(command.selector);
      return null;
    case "fill":
      await page.locator(command.selector).fill(command.value);
      return null;
    case "wait":
      await page.waitForSelector(command.selector, { timeout: command.ms ?? 30000 });
      return null;
    case "console": {
      const lines = consoleLines;
      consoleLines = [];
      return lines;
    }
    case "close":
      await browser.close();
      return null;
    default:
      throw new Error(`unknown command ${command.cmd}`);
  }
}

const send = (reply) => process.stdout.write(JSON.stringify(reply) + "\n");
send({ id: 0, ok: true, value: await browser.version() });

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let command;
  try {
    command = JSON.parse(line);
  } catch (err) {
    send({ id: null, ok: false, error: `bad JSON: ${err}` });
    continue;
  }
  try {
    send({ id: command.id, ok: true, value: (await run(command)) ?? null });
  } catch (err) {
    send({ id: command.id, ok: false, error: String(err && err.stack ? err.stack : err) });
  }
  if (command.cmd === "close") break;
}
await browser.close().catch(() => {});
process.exit(0);
