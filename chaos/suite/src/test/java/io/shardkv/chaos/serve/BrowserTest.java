package io.shardkv.chaos.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.report.RunReport;
import io.shardkv.chaos.report.SyntheticRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * chaos serve and a run's pages in a real headless browser (Debian's chromium and chromedriver,
 * driven by Selenium): the runs table (rows, filter, sort), a click through to an invalid
 * 100,000-op run's report (verdict, counterexample), on to its timeline (drawn, culled, the failing
 * op marked and focused), and the live view of a run in progress. Screenshots go to
 * {@code target/screenshots/}. Skipped, saying so, where chromium or chromedriver is not installed
 * ({@code apt-get install chromium chromium-driver}; CI installs them).
 */
class BrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final String BIG = "register-partition-kill-clock-trigger/20250103T120000";
  static final String SMALL = "register-partition-kill-clock-trigger/20250102T090000";
  static final String RUNNING = "register-partition-kill-clock-trigger/20250104T080000";
  static final int BIG_OPS = 100_000;

  @TempDir static Path tmp;
  static StoreServer server;
  static ChromeDriver browser;
  static String base;
  static Path shots;
  static List<String> runningLines;

  @BeforeAll
  static void aStoreServedAndABrowser() throws Exception {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      System.err.println("BrowserTest SKIPPED: " + CHROMIUM + " or " + CHROMEDRIVER
          + " missing (apt-get install chromium chromium-driver)");
    }
    Assumptions.assumeTrue(present, "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
    Path store = tmp.resolve("store");
    Path big = SyntheticRun.write(store.resolve(BIG), BIG_OPS, true, 5);
    RunReport.Written w = RunReport.write(big.resolve("history.edn"), big);
    System.out.println("BrowserTest: pages of " + w.ops() + " ops written in " + w.millis() + " ms " + w.phases());
    Path small = SyntheticRun.write(store.resolve(SMALL), 800, false, 2);
    RunReport.write(small.resolve("history.edn"), small);
    Path src = SyntheticRun.write(tmp.resolve("src"), 1500, true, 7);
    runningLines = Files.readAllLines(src.resolve("history.edn"));
    Path running = Files.createDirectories(store.resolve(RUNNING));
    Files.copy(src.resolve("test.edn"), running.resolve("test.edn"));
    Files.write(running.resolve("history.edn"), runningLines.subList(0, 300));

    server = StoreServer.start(store, "127.0.0.1", 0);
    base = "http://127.0.0.1:" + server.port();
    shots = Files.createDirectories(Path.of("target", "screenshots"));
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--window-size=1280,1000", "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, o);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(120)).scriptTimeout(Duration.ofSeconds(60));
  }

  @AfterAll
  static void closeAll() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private static void shot(String name) throws Exception {
    Files.write(shots.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(60));
  }

  private static int visibleRows() {
    return ((Number) js("return Array.from(document.querySelectorAll('#runs tbody tr')).filter(r => !r.hidden).length")).intValue();
  }

  @Test
  void fromTheRunsTableToAFailingOpMarkedInA100kOpTimeline() throws Exception {
    browser.get(base + "/");
    assertEquals("ShardKV chaos runs", browser.getTitle());
    assertEquals(3, visibleRows(), "one row per run");
    new Select(browser.findElement(By.id("verdict-filter"))).selectByVisibleText("invalid");
    assertEquals(1, visibleRows(), "filtered to the invalid run");
    assertTrue(browser.findElement(By.id("count")).getText().contains("1 of 3 runs"));
    new Select(browser.findElement(By.id("verdict-filter"))).selectByVisibleText("any");
    browser.findElement(By.cssSelector("button.sort[data-col='4']")).click();
    List<WebElement> ops = browser.findElements(By.cssSelector("#runs tbody tr td:nth-child(5)"));
    assertEquals("100000", ops.get(ops.size() - 1).getText(), "sorted by ops ascending: the 100k run last");
    shot("store.png");

    browser.findElement(By.cssSelector("a.run-link[href='/runs/" + BIG + "/']")).click();
    waiting().until(d -> d.findElements(By.id("verdict")).size() == 1);
    assertEquals("invalid", browser.findElement(By.id("verdict")).getText());
    String page = browser.findElement(By.tagName("body")).getText();
    assertTrue(page.contains("Minimal counterexample") && page.contains("Key r1"), "the counterexample is shown");
    assertTrue(page.contains("3 of the key's"), "three ops prove it");
    assertEquals(4, browser.findElements(By.cssSelector("#op-counts tr")).size(), "header + cas, read, write");
    assertTrue(((Boolean) js("return Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")),
        "every plot loaded");
    assertTrue(browser.findElements(By.cssSelector("#coverage-matrix td.seen")).size() > 0, "coverage seen somewhere");
    shot("index.png");

    browser.findElement(By.id("timeline-link")).click();
    waiting().until(d -> ((Number) js("return window.timelineStats ? window.timelineStats.draws : 0")).intValue() > 0);
    Map<?, ?> stats = (Map<?, ?>) js("return window.timelineStats");
    assertEquals((long) BIG_OPS, ((Number) stats.get("ops")).longValue());
    assertEquals(1L, ((Number) stats.get("marked")).longValue(), "the failing op of r1 is marked");
    long drawnWhole = ((Number) stats.get("drawn")).longValue();
    assertTrue(drawnWhole < BIG_OPS / 4, "the whole run draws per-pixel columns, not 100k shapes: " + drawnWhole);
    assertTrue(purplePixels() > 0, "the mark is drawn on the whole-run view");
    System.out.println("BrowserTest: whole run drawn in " + stats.get("lastDrawMs") + " ms, " + drawnWhole + " shapes");
    shot("timeline.png");

    WebElement mark = browser.findElement(By.cssSelector("#marklinks button.mark"));
    assertTrue(mark.getText().contains("read r1 → 7"), mark.getText());
    mark.click();
    waiting().until(d -> browser.findElement(By.id("details")).getText().contains("cannot linearize"));
    stats = (Map<?, ?>) js("return window.timelineStats");
    List<?> view = (List<?>) stats.get("view");
    double span = ((Number) view.get(1)).doubleValue() - ((Number) view.get(0)).doubleValue();
    assertTrue(span < 1_000_000, "zoomed to the op: a view of " + span + " µs");
    assertTrue(((Number) stats.get("drawn")).longValue() < 200, "only what is on screen is drawn");
    assertTrue(purplePixels() > 50, "the failing op is outlined");
    String details = browser.findElement(By.id("details")).getText();
    assertTrue(details.contains("p6 read r1 → 7") || details.contains("read r1 → 7"), details);
    shot("timeline-failing-op.png");
  }

  @Test
  void theLiveViewUpdatesWhileTheHistoryGrows() throws Exception {
    browser.get(base + "/live/" + RUNNING);
    waiting().until(d -> !d.findElement(By.id("ok")).getText().isEmpty());
    long before = Long.parseLong(browser.findElement(By.id("ok")).getText());
    Files.write(tmpHistory(), runningLines.subList(300, runningLines.size()), StandardOpenOption.APPEND);
    waiting().until(d -> Long.parseLong(d.findElement(By.id("ok")).getText()) > before);
    waiting().until(d -> d.findElement(By.id("verdict")).getText().equals("invalid"));
    assertTrue(browser.findElement(By.id("why")).getText().contains("key r1"));
    shot("live.png");
  }

  private static Path tmpHistory() {
    return tmp.resolve("store").resolve(RUNNING).resolve("history.edn");
  }

  /** Pixels of the mark's colour (#c000c0) on the timeline's canvas. */
  private static long purplePixels() {
    return ((Number) js("const c = document.getElementById('tl'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        + "let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] === 192 && d[i + 1] === 0 && d[i + 2] === 192) n++; return n;"))
        .longValue();
  }
}
