package io.shardkv.chaos.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.ChaosCli;
import io.shardkv.chaos.report.RunReport;
import io.shardkv.chaos.report.SyntheticRun;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** chaos serve: its routes, the live view of a growing history, what it refuses to serve, and its errors. */
class ServeTest {
  @TempDir static Path tmp;
  static Path store;
  static final String DONE = "register-partition-kill-clock-trigger/20250101T000000";
  static final String RUNNING = "register-partition-kill-clock-trigger/20250102T000000";
  static List<String> runningLines;

  @BeforeAll
  static void aStoreWithAFinishedRunAndOneInProgress() throws Exception {
    store = tmp.resolve("store");
    Path done = SyntheticRun.write(store.resolve(DONE), 1500, true, 7);
    RunReport.write(done.resolve("history.edn"), done);
    // a run in progress: test.edn and the first 400 lines of a history, no results yet
    Path src = SyntheticRun.write(tmp.resolve("src"), 1500, true, 7);
    runningLines = Files.readAllLines(src.resolve("history.edn"));
    Path running = Files.createDirectories(store.resolve(RUNNING));
    Files.copy(src.resolve("test.edn"), running.resolve("test.edn"));
    Files.write(running.resolve("history.edn"), runningLines.subList(0, 400));
    Files.writeString(tmp.resolve("secret.txt"), "not for the web");
  }

  private static Router router() throws Exception {
    return new Router(store);
  }

  @Test
  void theIndexListsEveryRunWithItsVerdictAndLink() throws Exception {
    Router.Response r = router().route("GET", "/");
    assertEquals(200, r.status());
    String html = r.text();
    assertEquals(2, html.split("<tr data-verdict=").length - 1, "one row per run");
    assertTrue(html.contains("href=\"/runs/" + DONE + "/\""), "a finished run links to its report");
    assertTrue(html.contains("href=\"/live/" + RUNNING + "\""), "a run without results links to its live view");
    assertTrue(html.contains("data-verdict=\"invalid\"") && html.contains("data-verdict=\"running\""));
    String json = router().route("GET", "/api/runs").text();
    assertTrue(json.contains("\"verdict\":\"invalid\"") && json.contains("\"ops\":1500"), json);
  }

  @Test
  void aRunsFilesAreServedWithTheirTypes() throws Exception {
    Router rt = router();
    assertEquals(302, rt.route("GET", "/runs/" + DONE).status());
    assertEquals("/runs/" + DONE + "/", rt.route("GET", "/runs/" + DONE).headers().get("Location"));
    Router.Response index = rt.route("GET", "/runs/" + DONE + "/");
    assertEquals(200, index.status());
    assertTrue(index.text().contains("verdict invalid"));
    assertEquals("image/png", rt.route("GET", "/runs/" + DONE + "/latency-raw.png").type());
    assertEquals("text/plain; charset=utf-8", rt.route("GET", "/runs/" + DONE + "/history.edn").type());
    assertEquals("text/html; charset=utf-8", rt.route("GET", "/runs/" + DONE + "/timeline.html").type());
    assertEquals(200, rt.route("GET", "/runs/register-partition-kill-clock-trigger/").status(), "a listing");
    assertEquals(302, rt.route("GET", "/runs/" + RUNNING + "/").status(), "a run without pages goes to its live view");
    assertEquals(404, rt.route("GET", "/runs/" + DONE + "/nope.html").status());
    assertEquals(404, rt.route("GET", "/elsewhere").status());
    assertEquals(405, rt.route("POST", "/").status());
  }

  @Test
  void nothingOutsideTheStoreIsServed() throws Exception {
    Files.createSymbolicLink(store.resolve("escape"), tmp);
    try {
      Router rt = router();
      for (String p : List.of("/runs/../secret.txt", "/runs/" + DONE + "/../../../secret.txt", "/runs/./x",
          "/runs/escape/secret.txt", "/runs/a\\..\\secret.txt", "/runs/x\0", "/live/../src", "/api/live/../src")) {
        Router.Response r = rt.route("GET", p);
        assertEquals(400, r.status(), p + ": " + r.text());
        assertFalse(r.text().contains("not for the web"));
      }
    } finally {
      Files.delete(store.resolve("escape"));
    }
  }

  @Test
  void theLiveViewFollowsTheHistoryAsItGrowsAndFindsTheViolationSoFar() throws Exception {
    Router rt = router();
    String api = "/api/live/" + RUNNING;
    assertTrue(rt.route("GET", "/live/" + RUNNING).text().contains(api));
    assertTrue(rt.route("GET", api).text().contains("\"entries\":400"));
    Path h = store.resolve(RUNNING).resolve("history.edn");
    // the rest, the last line cut in the middle as a writer would leave it
    String rest = String.join("\n", runningLines.subList(400, runningLines.size())) + "\n";
    String cut = runningLines.get(runningLines.size() - 1);
    int head = rest.length() - cut.length() / 2 - 1;
    Files.writeString(h, rest.substring(0, head), StandardOpenOption.APPEND);
    assertTrue(rt.route("GET", api).text().contains("\"entries\":" + (runningLines.size() - 1)), "the half line waits");
    Files.writeString(h, rest.substring(head), StandardOpenOption.APPEND);
    String json = "";
    for (int i = 0; i < 200 && !json.contains("\"invalid\":true"); i++) {
      Thread.sleep(100);
      json = rt.route("GET", api).text();
    }
    assertTrue(json.contains("\"entries\":" + runningLines.size()), json);
    assertTrue(json.contains("\"invalid\":true") && json.contains("key r1"), "the stale read is found so far: " + json);
  }

  @Test
  void overHttpItAnswersAndRefusesTraversalThatAClientSendsRaw() throws Exception {
    try (StoreServer s = StoreServer.start(store, "127.0.0.1", 0)) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("ShardKV chaos runs"));
      for (String raw : List.of("/runs/../secret.txt", "/runs/%2e%2e/secret.txt", "/runs/..%2fsecret.txt")) {
        String status = rawGet(s.port(), raw);
        assertTrue(status.startsWith("HTTP/1.1 400"), raw + " -> " + status);
      }
    }
  }

  @Test
  void aBusyPortAndAMissingStoreAreClearErrors() throws Exception {
    try (StoreServer s = StoreServer.start(store, "127.0.0.1", 0)) {
      StoreServer.ServeException e = assertThrows(StoreServer.ServeException.class,
          () -> StoreServer.start(store, "127.0.0.1", s.port()));
      assertTrue(e.getMessage().contains("choose another with --port"), e.getMessage());
      ChaosCli.Run cli = ChaosCli.run("serve", "--store", store.toString(), "--port", String.valueOf(s.port()));
      assertEquals(254, cli.exit());
      assertTrue(cli.err().contains("cannot listen on 127.0.0.1:" + s.port()), cli.err());
    }
    ChaosCli.Run missing = ChaosCli.run("serve", "--store", tmp.resolve("nowhere").toString(), "--port", "0");
    assertEquals(254, missing.exit());
    assertTrue(missing.err().contains("no store at") && missing.err().contains("--store DIR"), missing.err());
  }

  private static String rawGet(int port, String path) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }
}
