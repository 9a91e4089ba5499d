package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.SqlErrors;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A parsed {@code jdbc:shardkv://host:port[,host:port...][/][?key=value&...]} URL merged with the
 * connection {@link Properties}: the config-center endpoints and the validated {@link
 * DriverProperty} values. Immutable.
 */
public final class ConnectionSettings {

  /** The URL prefix every ShardKV URL starts with. */
  public static final String PREFIX = "jdbc:shardkv:";

  static final String EXPECTED_FORM =
      "jdbc:shardkv://host:port[,host:port...][?timeout=5000&connectTimeout=10000"
          + "&retries=3], e.g. jdbc:shardkv://127.0.0.1:7000,127.0.0.1:7001";

  /** One config-center node. IPv6 hosts are kept without brackets. */
  public record Endpoint(String host, int port) {
    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  private final String url;
  private final List<Endpoint> endpoints;
  private final EnumMap<DriverProperty, String> values;

  private ConnectionSettings(
      String url, List<Endpoint> endpoints, EnumMap<DriverProperty, String> values) {
    this.url = url;
    this.endpoints = List.copyOf(endpoints);
    this.values = values;
  }

  /** True for every URL this driver is responsible for (well-formed or not). */
  public static boolean isShardKvUrl(String url) {
    return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }

  /**
   * Parses {@code url} and merges {@code info} (which may be null). Unknown keys in the URL are an
   * error (they are usually typos); unknown keys in {@code info} are ignored because tools pass
   * their own (user, password, ...).
   *
   * @throws SQLException SQLState 08001 with the expected form if the URL or a value is malformed
   */
  public static ConnectionSettings parse(String url, Properties info) throws SQLException {
    if (!isShardKvUrl(url)) {
      throw badUrl(url, "it does not start with " + PREFIX);
    }
    String rest = url.substring(PREFIX.length());
    if (!rest.startsWith("//")) {
      throw badUrl(url, "'//' must follow " + PREFIX);
    }
    rest = rest.substring(2);
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    if (rest.indexOf('/') >= 0) {
      throw badUrl(url, "a path after the host list is not supported (ShardKV has no databases)");
    }
    List<Endpoint> endpoints = new ArrayList<>();
    for (String part : rest.split(",", -1)) {
      endpoints.add(parseEndpoint(url, part.trim()));
    }

    EnumMap<DriverProperty, String> values = new EnumMap<>(DriverProperty.class);
    if (info != null) {
      for (String name : info.stringPropertyNames()) {
        DriverProperty p = DriverProperty.byKey(name);
        if (p != null) {
          values.put(p, info.getProperty(name));
        }
      }
    }
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw badUrl(url, "query parameter '" + pair + "' is not of the form key=value");
        }
        String key = decode(url, pair.substring(0, eq));
        DriverProperty p = DriverProperty.byKey(key);
        if (p == null) {
          throw badUrl(
              url, "unknown property '" + key + "' (known: " + DriverProperty.knownKeys() + ")");
        }
        values.put(p, decode(url, pair.substring(eq + 1)));
      }
    }
    ConnectionSettings settings = new ConnectionSettings(url, endpoints, values);
    settings.timeout();
    settings.connectTimeout();
    settings.retries();
    return settings;
  }

  private static Endpoint parseEndpoint(String url, String part) throws SQLException {
    if (part.isEmpty()) {
      throw badUrl(url, "the host list is empty or has an empty entry");
    }
    String host;
    String portText;
    if (part.startsWith("[")) {
      int close = part.indexOf(']');
      if (close < 0 || close + 1 >= part.length() || part.charAt(close + 1) != ':') {
        throw badUrl(url, "IPv6 host '" + part + "' must be written [address]:port");
      }
      host = part.substring(1, close);
      portText = part.substring(close + 2);
    } else {
      int colon = part.lastIndexOf(':');
      if (colon < 0) {
        throw badUrl(url, "host '" + part + "' has no port; write host:port");
      }
      host = part.substring(0, colon);
      portText = part.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw badUrl(url, "IPv6 host in '" + part + "' must be in brackets: [address]:port");
      }
    }
    if (host.isEmpty()) {
      throw badUrl(url, "'" + part + "' has an empty host name");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (!(Character.isLetterOrDigit(c)
          || c == '.'
          || c == '-'
          || c == '_'
          || c == ':'
          || c == '%')) {
        throw badUrl(url, "host '" + host + "' contains the character '" + c + "'");
      }
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw badUrl(url, "port '" + portText + "' of '" + part + "' is not a number");
    }
    if (port < 1 || port > 65535) {
      throw badUrl(url, "port " + port + " of '" + part + "' is outside 1..65535");
    }
    return new Endpoint(host, port);
  }

  private static String decode(String url, String s) throws SQLException {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw badUrl(url, "'" + s + "' is not valid percent-encoding");
    }
  }

  static SQLException badUrl(String url, String problem) {
    return new SQLException(
        "Invalid ShardKV URL '" + url + "': " + problem + ". Expected " + EXPECTED_FORM,
        SqlErrors.UNABLE_TO_CONNECT);
  }

  public String url() {
    return url;
  }

  /** The config-center nodes, in URL order; never empty. */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** The raw value of a property as given, or its default (may be null). */
  public String value(DriverProperty p) {
    return values.getOrDefault(p, p.defaultValue());
  }

  /** Deadline of one operation; positive. */
  public Duration timeout() throws SQLException {
    return duration(DriverProperty.TIMEOUT);
  }

  /** Deadline for opening a connection; positive. */
  public Duration connectTimeout() throws SQLException {
    return duration(DriverProperty.CONNECT_TIMEOUT);
  }

  /** Retries allowed inside one operation's deadline; zero or more. */
  public int retries() throws SQLException {
    String text = value(DriverProperty.RETRIES).trim();
    try {
      int n = Integer.parseInt(text);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw badValue(DriverProperty.RETRIES, text, "a whole number 0 or more");
  }

  /** The backend name asked for with {@code backend=}, if any. */
  public Optional<String> backend() {
    return Optional.ofNullable(value(DriverProperty.BACKEND))
        .map(String::trim)
        .filter(s -> !s.isEmpty());
  }

  /** Every known property with its effective value, for {@code Driver.getPropertyInfo}. */
  Map<DriverProperty, String> effectiveValues() {
    EnumMap<DriverProperty, String> all = new EnumMap<>(DriverProperty.class);
    for (DriverProperty p : DriverProperty.values()) {
      all.put(p, value(p));
    }
    return all;
  }

  private Duration duration(DriverProperty p) throws SQLException {
    String text = value(p).trim().toLowerCase(Locale.ROOT);
    long factor = 1;
    String digits = text;
    if (text.endsWith("ms")) {
      digits = text.substring(0, text.length() - 2).trim();
    } else if (text.endsWith("s")) {
      digits = text.substring(0, text.length() - 1).trim();
      factor = 1000;
    }
    try {
      long n = Long.parseLong(digits);
      if (n > 0 && n <= Long.MAX_VALUE / factor) {
        return Duration.ofMillis(n * factor);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw badValue(
        p, value(p), "a positive number of milliseconds, or a number followed by ms or s");
  }

  private SQLException badValue(DriverProperty p, String given, String expected) {
    return new SQLException(
        "Invalid value '"
            + given
            + "' for property "
            + p.key()
            + " of '"
            + url
            + "': expected "
            + expected
            + ". "
            + p.description(),
        SqlErrors.UNABLE_TO_CONNECT);
  }

  @Override
  public String toString() {
    return url;
  }
}
