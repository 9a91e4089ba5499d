package io.shardkv.driver.jdbc;

import java.sql.DriverPropertyInfo;

/**
 * The connection properties the driver understands, given in the URL query ({@code
 * jdbc:shardkv://h:p?timeout=2s}) or in the {@link java.util.Properties} passed to {@code
 * DriverManager.getConnection}. A URL value wins over a Properties value.
 */
public enum DriverProperty {
  TIMEOUT(
      "timeout",
      "5000",
      "Deadline of each operation in milliseconds (or with a unit: 500ms, 5s). A write that misses"
          + " it reports SQLState 08007 (outcome unknown). Statement.setQueryTimeout and"
          + " Connection.setNetworkTimeout override it."),
  CONNECT_TIMEOUT(
      "connectTimeout",
      "10000",
      "How long opening a connection may take, in milliseconds (or 500ms, 10s)."),
  RETRIES(
      "retries",
      "3",
      "How many times the client library may retry an operation inside its deadline "
          + "(redirects to a new leader, reconnects); 0 disables retries."),
  BACKEND(
      "backend",
      null,
      "Name of the client backend to use when several are installed; by default the only one"
          + " present.");

  private final String key;
  private final String defaultValue;
  private final String description;

  DriverProperty(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String key() {
    return key;
  }

  /** The default as text, or null if there is none. */
  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** The property with this key (case-insensitive), or null. */
  static DriverProperty byKey(String key) {
    for (DriverProperty p : values()) {
      if (p.key.equalsIgnoreCase(key)) {
        return p;
      }
    }
    return null;
  }

  DriverPropertyInfo info(String currentValue) {
    DriverPropertyInfo info =
        new DriverPropertyInfo(key, currentValue != null ? currentValue : defaultValue);
    info.description = description;
    info.required = false;
    return info;
  }

  static String knownKeys() {
    StringBuilder sb = new StringBuilder();
    for (DriverProperty p : values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(p.key);
    }
    return sb.toString();
  }
}
