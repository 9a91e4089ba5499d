package io.shardkv.driver.jdbc.sql;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;

/**
 * The LIKE patterns a scan understands: {@code 'prefix%'} (every key that starts with prefix) and a
 * pattern without wildcards (exactly that key). The escape character is {@code \} (PostgreSQL's
 * default): {@code \%}, {@code \_} and {@code \\} stand for the character itself. Other patterns
 * ({@code _} anywhere, {@code %} before the end) would need every key read and filtered; they are
 * refused (0A000) rather than run as a hidden full scan.
 *
 * @param prefix the literal text before the trailing {@code %} (or the whole key when exact)
 * @param exact true when the pattern has no wildcard: it matches only the key {@code prefix}
 */
public record LikePattern(String prefix, boolean exact) {

  /** Checks a pattern written in the SQL text (errors carry its position). */
  static LikePattern check(String pattern, String sql, int offset) throws SQLException {
    return parse(pattern, sql, offset);
  }

  /** Parses a pattern bound to a parameter at execution time. */
  public static LikePattern parse(String pattern) throws SQLException {
    return parse(pattern, null, 0);
  }

  private static LikePattern parse(String pattern, String sql, int offset) throws SQLException {
    StringBuilder prefix = new StringBuilder(pattern.length());
    for (int i = 0; i < pattern.length(); i++) {
      char ch = pattern.charAt(i);
      if (ch == '\\') {
        if (i + 1 == pattern.length()) {
          throw new SQLDataException("The LIKE pattern '" + pattern + "' ends with the escape character \\"
              + at(sql, offset) + "; write \\\\ for a literal backslash", "22025");
        }
        prefix.append(pattern.charAt(++i));
      } else if (ch == '%') {
        if (i + 1 != pattern.length()) {
          throw unsupported("A % before the end of the LIKE pattern '" + pattern + "'", sql, offset);
        }
        return new LikePattern(prefix.toString(), false);
      } else if (ch == '_') {
        throw unsupported("The LIKE wildcard _ in '" + pattern + "' (write \\_ for a literal _)", sql, offset);
      } else {
        prefix.append(ch);
      }
    }
    return new LikePattern(prefix.toString(), true);
  }

  private static SQLFeatureNotSupportedException unsupported(String what, String sql, int offset) {
    String full = what + " (a scan reads keys by prefix: only 'prefix%' patterns and exact keys are supported)";
    return sql == null
        ? new SQLFeatureNotSupportedException(full + " is not supported", SqlErrors.FEATURE_NOT_SUPPORTED)
        : SqlErrors.unsupportedAt(sql, offset, full);
  }

  private static String at(String sql, int offset) {
    return sql == null ? "" : " (at " + SqlErrors.where(sql, offset) + ")";
  }

  /** The value of a LIMIT: a whole number ≥ 0. */
  public static long limit(String text, String sql, int offset) throws SQLException {
    long n;
    try {
      n = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      String msg = "LIMIT must be a whole number >= 0, got '" + text + "'" + at(sql, offset);
      throw sql == null ? new SQLDataException(msg, SqlErrors.INVALID_PARAMETER_VALUE) : SqlErrors.syntax(sql, offset, msg);
    }
    if (n < 0) {
      throw new SQLDataException("LIMIT must be >= 0, got " + n + at(sql, offset), SqlErrors.INVALID_PARAMETER_VALUE);
    }
    return n;
  }
}
