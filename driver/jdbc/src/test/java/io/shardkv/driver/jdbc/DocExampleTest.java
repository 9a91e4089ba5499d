package io.shardkv.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The ten-line example of docs/jdbc.md, run as written except for the URL; the README must show the
 * same lines.
 */
class DocExampleTest {

  @Test
  void tenLineExampleFromTheDocsPrintsWhatItPromises() throws SQLException {
    InMemoryCluster cluster = InMemoryCluster.fresh();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);

    try (Connection c = DriverManager.getConnection(cluster.url("timeout=2s"))) {
      try (PreparedStatement put = c.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
        put.setString(1, "greeting");
        put.setString(2, "hello");
        put.executeUpdate();
      }
      try (PreparedStatement cas =
          c.prepareStatement("UPDATE kv SET v = ? WHERE k = ? AND v = ?")) {
        cas.setString(1, "hello, world");
        cas.setString(2, "greeting");
        cas.setString(3, "hello");
        out.println("swapped: " + (cas.executeUpdate() == 1));
      }
      try (ResultSet rs =
          c.createStatement().executeQuery("SELECT k, v FROM kv WHERE k = 'greeting'")) {
        while (rs.next()) out.println(rs.getString("k") + " = " + rs.getString("v"));
      }
    }

    assertEquals(
        "swapped: true\ngreeting = hello, world\n",
        captured.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
  }

  /** The README shows the same ten lines as docs/jdbc.md (run from the driver/jdbc module directory). */
  @Test
  void readmeAndDocsShowTheSameTenLineExample() throws IOException {
    assertEquals(javaBlock(Path.of("../../docs/jdbc.md")), javaBlock(Path.of("../../README.md")));
  }

  private static String javaBlock(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int start = text.indexOf("```java\n");
    if (start < 0) throw new AssertionError(file + " has no ```java block");
    int end = text.indexOf("```", start + 8);
    return text.substring(start + 8, end);
  }
}
