package io.shardkv.chaos.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The store on HTTP (JDK {@code com.sun.net.httpserver}): every request goes to the {@link Router}. */
public final class StoreServer implements AutoCloseable {
  /** Why the server could not start, said so that the user can fix it. */
  public static final class ServeException extends Exception {
    ServeException(String m, Throwable cause) {
      super(m, cause);
    }
  }

  private final HttpServer http;
  private final ExecutorService pool;
  private final Router router;

  private StoreServer(HttpServer http, ExecutorService pool, Router router) {
    this.http = http;
    this.pool = pool;
    this.router = router;
  }

  /** Serves {@code store} on {@code bind}:{@code port} (port 0: any free port). */
  public static StoreServer start(Path store, String bind, int port) throws ServeException {
    if (!Files.isDirectory(store)) {
      throw new ServeException("no store at " + store.toAbsolutePath() + " (not a directory); give the directory "
          + "chaos run --store wrote to (default: ./store) with --store DIR", null);
    }
    Router router;
    try {
      router = new Router(store);
    } catch (IOException e) {
      throw new ServeException("cannot read the store " + store + ": " + e.getMessage(), e);
    }
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(bind, port), 64);
    } catch (BindException e) {
      throw new ServeException("cannot listen on " + bind + ":" + port + ": " + e.getMessage()
          + " (is another chaos serve or another program using that port? choose another with --port P, or --port 0 "
          + "for any free port)", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new ServeException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "chaos-serve");
      t.setDaemon(true);
      return t;
    });
    StoreServer s = new StoreServer(http, pool, router);
    http.createContext("/", s::handle);
    http.setExecutor(pool);
    http.start();
    return s;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  public Router router() {
    return router;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      Router.Response r = router.route(ex.getRequestMethod(), path == null ? "/" : path);
      ex.getResponseHeaders().set("Content-Type", r.type());
      ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
      if (path != null && path.startsWith("/api/")) {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
      }
      r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      boolean head = ex.getRequestMethod().equals("HEAD");
      ex.sendResponseHeaders(r.status(), head ? -1 : r.body().length == 0 ? -1 : r.body().length);
      if (!head && r.body().length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(r.body());
        }
      }
    } catch (IOException e) {
      // the client went away: nothing to answer
    }
  }

  @Override
  public void close() {
    http.stop(0);
    pool.shutdownNow();
  }
}
