package io.shardkv.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a generic JDBC console does on connect and when the user runs a script: call every
 * DatabaseMetaData method, read every column of every metadata result set, then run statements
 * through {@link Statement#execute} and walk the results with getMoreResults/getUpdateCount.
 */
class GenericConsoleTest {

  private InMemoryCluster cluster;
  private Connection connection;

  @BeforeEach
  void connect() throws SQLException {
    cluster = InMemoryCluster.fresh();
    connection = DriverManager.getConnection(cluster.url());
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  /** Arguments a tool would pass: "kv" for table names, "%" for patterns, null catalog/schema. */
  private static Object[] toolArguments(Method m) {
    Class<?>[] types = m.getParameterTypes();
    Object[] args = new Object[types.length];
    int strings = 0;
    for (int i = 0; i < types.length; i++) {
      if (types[i] == String.class) {
        strings++;
        args[i] = strings <= 2 ? null : (strings == 3 ? "kv" : "%");
      } else if (types[i] == int.class) {
        args[i] =
            m.getName().startsWith("supportsResultSetConcurrency") && i == 1
                ? ResultSet.CONCUR_READ_ONLY
                : (m.getName().equals("getBestRowIdentifier")
                    ? DatabaseMetaData.bestRowSession
                    : ResultSet.TYPE_FORWARD_ONLY);
      } else if (types[i] == boolean.class) {
        args[i] = false;
      } else if (types[i] == String[].class || types[i] == int[].class) {
        args[i] = null;
      } else {
        return null; // unwrap/isWrapperFor
      }
    }
    return args;
  }

  @Test
  void everyDatabaseMetaDataMethodAnswersAndEveryResultSetIsWellFormed() throws Exception {
    DatabaseMetaData md = connection.getMetaData();
    List<String> called = new ArrayList<>();
    for (Method m : DatabaseMetaData.class.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      Object[] args = toolArguments(m);
      if (args == null) {
        continue;
      }
      Object result;
      try {
        result = m.invoke(md, args);
      } catch (InvocationTargetException e) {
        throw new AssertionError(m.getName() + " threw " + e.getCause(), e.getCause());
      }
      called.add(m.getName());
      if (result instanceof ResultSet rs) {
        readEveryCell(m.getName(), rs);
      }
    }
    assertTrue(called.size() > 160, "called " + called.size() + " methods");
  }

  private static void readEveryCell(String method, ResultSet rs) throws SQLException {
    try (rs) {
      ResultSetMetaData meta = rs.getMetaData();
      int n = meta.getColumnCount();
      assertTrue(n > 0, method);
      while (rs.next()) {
        for (int c = 1; c <= n; c++) {
          Object byIndex = rs.getObject(c);
          Object byLabel = rs.getObject(meta.getColumnLabel(c));
          assertEquals(byIndex, byLabel, method + " column " + meta.getColumnLabel(c));
          if (byIndex != null) {
            assertEquals(
                meta.getColumnClassName(c),
                byIndex.getClass().getName(),
                method + " column " + meta.getColumnLabel(c) + " value type");
          }
        }
        try {
          rs.getObject(n + 1);
          fail(method + ": the row is wider than its " + n + " columns");
        } catch (SQLException expected) {
          assertEquals("07009", expected.getSQLState());
        }
      }
    }
  }

  @Test
  void scriptRunThroughExecuteReportsEachResultTheWayConsolesReadIt() throws SQLException {
    String[] script = {
      "INSERT INTO kv (k, v) VALUES ('greeting', 'hello')",
      "UPDATE kv SET v = v || ', world' WHERE k = 'greeting'",
      "SELECT * FROM kv WHERE k = 'greeting'",
      "DELETE FROM kv WHERE k = 'greeting'",
      "SELECT v FROM kv WHERE k = 'greeting'",
    };
    List<String> transcript = new ArrayList<>();
    try (Statement s = connection.createStatement()) {
      for (String sql : script) {
        boolean isResultSet = s.execute(sql);
        while (true) {
          if (isResultSet) {
            try (ResultSet rs = s.getResultSet()) {
              int rows = 0;
              while (rs.next()) {
                rows++;
                transcript.add(rs.getString(rs.getMetaData().getColumnCount()));
              }
              transcript.add(rows + " row(s)");
            }
          } else {
            int count = s.getUpdateCount();
            if (count == -1) {
              break;
            }
            transcript.add(count + " updated");
          }
          isResultSet = s.getMoreResults();
        }
      }
    }
    assertEquals(
        List.of("1 updated", "1 updated", "hello, world", "1 row(s)", "1 updated", "0 row(s)"),
        transcript);
    assertFalse(cluster.data.containsKey("greeting"));
  }
}
