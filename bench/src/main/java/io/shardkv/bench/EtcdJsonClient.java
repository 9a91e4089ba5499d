package io.shardkv.bench;

import io.shardkv.cli.LoadRunner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two etcd v3 calls the benchmark makes, over etcd's JSON gateway with {@code java.net.http}
 * (no etcd client library): {@code POST /v3/kv/put} and {@code POST /v3/kv/range} (a linearizable
 * read: etcd's default, {@code serializable} false), keys and values base64 in JSON. Thread-safe
 * (the HttpClient is): one instance per endpoint serves as the session of every benchmark client,
 * each a thread blocked in its one request ({@link LoadRunner}); the HTTP/1.1 client opens one
 * connection per concurrent request.
 */
final class EtcdJsonClient implements LoadRunner.Session {
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\"\\s*:\\s*\"(\\d+)\"");
  private static final Pattern LEADER = Pattern.compile("\"leader\"\\s*:\\s*\"(\\d+)\"");

  private final HttpClient http;
  private final String endpoint;
  private final Duration timeout;

  EtcdJsonClient(HttpClient http, String endpoint, Duration timeout) {
    this.http = http;
    this.endpoint = endpoint;
    this.timeout = timeout;
  }

  /** An HTTP/1.1 client (etcd's plain-HTTP gateway), one connection per concurrent request. */
  static HttpClient httpClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  }

  String endpoint() {
    return endpoint;
  }

  @Override
  public void put(String key, String value) throws IOException, InterruptedException {
    call("/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}");
  }

  @Override
  public void get(String key) throws IOException, InterruptedException {
    call("/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}");
  }

  /** The endpoint of {@code endpoints} whose member is the leader, or the first if none says so. */
  static String leaderOf(HttpClient http, List<String> endpoints) throws IOException, InterruptedException {
    for (String e : endpoints) {
      String body = new EtcdJsonClient(http, e, Duration.ofSeconds(2)).call("/v3/maintenance/status", "{}");
      Matcher m = MEMBER_ID.matcher(body);
      Matcher l = LEADER.matcher(body);
      if (m.find() && l.find() && m.group(1).equals(l.group(1))) {
        return e;
      }
    }
    return endpoints.get(0);
  }

  private String call(String path, String json) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(timeout)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("etcd " + endpoint + path + " answered HTTP " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  private static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
