package io.shardkv.chaos.serve;

import io.shardkv.chaos.report.Html;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * What {@code chaos serve} answers, without sockets (so routing is unit-tested):
 * <ul>
 *   <li>{@code /} — the table of all runs;</li>
 *   <li>{@code /api/runs} — the same as JSON;</li>
 *   <li>{@code /runs/<test>/<stamp>/...} — a run's files (its pages, history, logs); a directory
 *       shows its {@code index.html}, or for a run without pages yet its live view, or a listing;</li>
 *   <li>{@code /live/<test>/<stamp>} — the live view of a run in progress, fed by
 *       {@code /api/live/<test>/<stamp>} (ops so far, ops/s, verdict so far).</li>
 * </ul>
 * Only files inside the store are ever served: a path with a {@code ..} or {@code .} segment, a
 * backslash or a NUL is refused, and what it names must lie inside the store after resolving
 * symbolic links.
 */
public final class Router {
  /** One answer. */
  public record Response(int status, String type, byte[] body, Map<String, String> headers) {
    static Response text(int status, String type, String body) {
      return new Response(status, type, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Response redirect(String to) {
      return new Response(302, "text/plain; charset=utf-8", ("see " + to).getBytes(StandardCharsets.UTF_8),
          Map.of("Location", to));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Path store;
  private final RunIndex index;
  private final Map<Path, LiveRun> live = new ConcurrentHashMap<>();
  private final ExecutorService checker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "serve-live-check");
    t.setDaemon(true);
    return t;
  });

  public Router(Path store) throws IOException {
    this.store = store.toRealPath();
    this.index = new RunIndex(this.store);
  }

  public Path store() {
    return store;
  }

  /** Answers a GET or HEAD of {@code path} (decoded, without the query). */
  public Response route(String method, String path) {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return Response.text(405, "text/plain; charset=utf-8", "only GET and HEAD\n");
    }
    try {
      if (path.equals("/") || path.equals("/index.html")) {
        return Response.text(200, "text/html; charset=utf-8", StorePage.render(store, index.runs()));
      }
      if (path.equals("/api/runs")) {
        return Response.text(200, "application/json", Html.json(StorePage.rows(index.runs())));
      }
      if (path.startsWith("/api/live/")) {
        Path dir = inside(path.substring("/api/live/".length()));
        if (dir == null || !Files.isDirectory(dir) || !RunIndex.isRun(dir)) {
          return notFound(path);
        }
        return Response.text(200, "application/json",
            Html.json(live.computeIfAbsent(dir, d -> new LiveRun(d, checker)).snapshot()));
      }
      if (path.startsWith("/live/")) {
        String rel = trim(path.substring("/live/".length()));
        Path dir = inside(rel);
        if (dir == null || !Files.isDirectory(dir) || !RunIndex.isRun(dir)) {
          return notFound(path);
        }
        return Response.text(200, "text/html; charset=utf-8", LivePage.render(rel));
      }
      if (path.equals("/runs") || path.equals("/runs/")) {
        return Response.redirect("/");
      }
      if (path.startsWith("/runs/")) {
        return file(path, path.substring("/runs/".length()));
      }
      return notFound(path);
    } catch (BadPath e) {
      return Response.text(400, "text/plain; charset=utf-8", "bad path: " + e.getMessage() + "\n");
    } catch (IOException e) {
      return Response.text(500, "text/plain; charset=utf-8", "cannot read the store: " + e.getMessage() + "\n");
    }
  }

  private Response file(String path, String rel) throws IOException {
    Path p = inside(rel);
    if (p == null || !Files.exists(p)) {
      return notFound(path);
    }
    if (Files.isDirectory(p)) {
      if (!path.endsWith("/")) {
        return Response.redirect(path + "/");
      }
      if (Files.isRegularFile(p.resolve("index.html"))) {
        return serve(p.resolve("index.html"));
      }
      if (RunIndex.isRun(p)) {
        return Response.redirect("/live/" + trim(rel));
      }
      return Response.text(200, "text/html; charset=utf-8", listing(path, p));
    }
    return serve(p);
  }

  private static Response serve(Path p) throws IOException {
    return new Response(200, type(p.getFileName().toString()), Files.readAllBytes(p), Map.of());
  }

  private static String listing(String path, Path dir) throws IOException {
    StringBuilder b = Html.page("Index of " + path);
    b.append("<body><h1>").append(Html.esc(path)).append("</h1><ul><li><a href=\"../\">../</a></li>");
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.sorted().toList()) {
        String n = f.getFileName().toString() + (Files.isDirectory(f) ? "/" : "");
        b.append("<li><a href=\"").append(Html.esc(n)).append("\">").append(Html.esc(n)).append("</a></li>");
      }
    }
    return b.append("</ul></body></html>\n").toString();
  }

  private static Response notFound(String path) {
    return Response.text(404, "text/plain; charset=utf-8", "not found: " + path + "\n");
  }

  private static String trim(String rel) {
    return rel.endsWith("/") ? rel.substring(0, rel.length() - 1) : rel;
  }

  /** A path given as a store-relative URL path, refused unless it stays inside the store. */
  static final class BadPath extends RuntimeException {
    BadPath(String m) {
      super(m);
    }
  }

  /**
   * The file {@code rel} names inside the store, or null when it does not exist; throws
   * {@link BadPath} for anything that could leave the store.
   */
  Path inside(String rel) throws IOException {
    if (rel.indexOf('\0') >= 0 || rel.indexOf('\\') >= 0) {
      throw new BadPath("NUL or backslash");
    }
    Path p = store;
    for (String seg : rel.split("/")) {
      if (seg.isEmpty()) {
        continue;
      }
      if (seg.equals("..") || seg.equals(".")) {
        throw new BadPath("'" + seg + "' segments are not allowed");
      }
      p = p.resolve(seg);
    }
    if (!Files.exists(p)) {
      return null;
    }
    Path real = p.toRealPath();
    if (!real.startsWith(store)) {
      throw new BadPath("it leads out of the store");
    }
    return real;
  }

  static String type(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> e : TYPES) {
      if (n.endsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return n.contains(".") && !n.matches(".*\\.(log|out|txt|conf|edn|pid)(\\.\\d+)?$")
        ? "application/octet-stream" : "text/plain; charset=utf-8";
  }

  private static final List<Map.Entry<String, String>> TYPES = List.of(
      Map.entry(".html", "text/html; charset=utf-8"), Map.entry(".png", "image/png"),
      Map.entry(".json", "application/json"), Map.entry(".css", "text/css; charset=utf-8"),
      Map.entry(".js", "text/javascript; charset=utf-8"), Map.entry(".svg", "image/svg+xml"));
}
