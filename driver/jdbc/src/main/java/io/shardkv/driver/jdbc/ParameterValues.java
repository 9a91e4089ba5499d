package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.SqlErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Types;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.UUID;

/**
 * The bound parameters of a prepared statement. Every value becomes text, since both columns are
 * VARCHAR: numbers and booleans in their canonical form, bytes as strict UTF-8, dates and times in
 * ISO form. NULL is recorded as bound-to-null and rejected when the statement runs (22004).
 */
final class ParameterValues {

  private final String[] values;
  private final boolean[] bound;

  ParameterValues(int count) {
    values = new String[count];
    bound = new boolean[count];
  }

  int count() {
    return values.length;
  }

  void set(int parameterIndex, String value) throws SQLException {
    check(parameterIndex);
    values[parameterIndex - 1] = value;
    bound[parameterIndex - 1] = true;
  }

  void clear() {
    Arrays.fill(values, null);
    Arrays.fill(bound, false);
  }

  /** A copy of the values; every parameter must be bound (07001 names the first that is not). */
  String[] snapshot() throws SQLException {
    for (int i = 0; i < bound.length; i++) {
      if (!bound[i]) {
        throw new SQLException(
            "Parameter "
                + (i + 1)
                + " of "
                + bound.length
                + " is not set; bind every ? "
                + "with a setter such as setString("
                + (i + 1)
                + ", ...)",
            SqlErrors.WRONG_PARAMETER_COUNT);
      }
    }
    return values.clone();
  }

  void check(int parameterIndex) throws SQLException {
    if (parameterIndex < 1 || parameterIndex > values.length) {
      throw new SQLException(
          "Parameter index "
              + parameterIndex
              + " is out of range: the statement has "
              + values.length
              + " ? parameter(s), numbered from 1",
          SqlErrors.INVALID_DESCRIPTOR_INDEX);
    }
  }

  /** The text form of a Java object bound with setObject, or 0A000 for types with no text form. */
  static String textOf(Object x) throws SQLException {
    if (x == null) {
      return null;
    }
    if (x instanceof String s) {
      return s;
    }
    if (x instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (x instanceof Number
        || x instanceof Boolean
        || x instanceof Character
        || x instanceof UUID
        || x instanceof java.util.Date
        || x instanceof TemporalAccessor) {
      return x.toString();
    }
    if (x instanceof byte[] b) {
      return utf8(b);
    }
    if (x instanceof char[] c) {
      return new String(c);
    }
    if (x instanceof Reader r) {
      return read(r, -1);
    }
    throw SqlErrors.unsupportedMethod(
        "Binding a "
            + x.getClass().getName()
            + " (ShardKV values are VARCHAR: bind a "
            + "String, a number, a boolean, bytes in UTF-8, or a date/time)");
  }

  /** Whether a target SQL type given to setObject/setNull can be stored as text. */
  static void checkTextType(int sqlType) throws SQLException {
    switch (sqlType) {
      case Types.ARRAY,
          Types.BLOB,
          Types.CLOB,
          Types.NCLOB,
          Types.DATALINK,
          Types.DISTINCT,
          Types.JAVA_OBJECT,
          Types.REF,
          Types.REF_CURSOR,
          Types.ROWID,
          Types.SQLXML,
          Types.STRUCT,
          Types.OTHER ->
          throw SqlErrors.unsupportedMethod(
              "SQL type "
                  + sqlType
                  + " (java.sql.Types) for a parameter "
                  + "(ShardKV columns are VARCHAR)");
      default -> {}
    }
  }

  static String utf8(byte[] bytes) throws SQLException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new SQLDataException(
          "The bytes are not valid UTF-8; ShardKV stores text (VARCHAR)", "22021", e);
    }
  }

  /** Reads up to {@code length} chars ({@code -1}: all) from a reader. */
  static String read(Reader reader, long length) throws SQLException {
    if (reader == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    char[] buf = new char[8192];
    try {
      while (length < 0 || sb.length() < length) {
        int want = length < 0 ? buf.length : (int) Math.min(buf.length, length - sb.length());
        int n = reader.read(buf, 0, want);
        if (n < 0) {
          break;
        }
        sb.append(buf, 0, n);
      }
    } catch (IOException e) {
      throw new SQLException(
          "Reading the parameter's stream failed: " + e.getMessage(), "HY000", e);
    }
    return sb.toString();
  }

  /** Reads up to {@code length} bytes ({@code -1}: all) and decodes them. */
  static String read(InputStream in, long length, Charset charset) throws SQLException {
    if (in == null) {
      return null;
    }
    byte[] bytes;
    try {
      bytes =
          length < 0 ? in.readAllBytes() : in.readNBytes((int) Math.min(Integer.MAX_VALUE, length));
    } catch (IOException e) {
      throw new SQLException(
          "Reading the parameter's stream failed: " + e.getMessage(), "HY000", e);
    }
    return charset == StandardCharsets.UTF_8 ? utf8(bytes) : new String(bytes, charset);
  }
}
