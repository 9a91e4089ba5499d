package io.shardkv.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the packaged driver, driver/target/shardkv-jdbc.jar, the way a JDBC tool uses it: alone,
 * in a fresh class loader whose parent sees only the JDK. Runs in the {@code verify} phase (after
 * {@code package}); skipped with a message when the jar has not been built.
 */
class ShadedJarIT {

  private static Path jar;

  @BeforeAll
  static void findJar() {
    jar = Path.of(System.getProperty("shardkv.jdbc.jar", "../target/shardkv-jdbc.jar"));
    assumeTrue(
        Files.isRegularFile(jar),
        "skipped: "
            + jar.toAbsolutePath()
            + " is not built yet; run "
            + "'mvn -B -pl driver/jdbc -am verify' (the jar is made in the package phase)");
  }

  private static List<String> entries() throws IOException {
    List<String> names = new ArrayList<>();
    try (JarFile f = new JarFile(jar.toFile())) {
      for (JarEntry e : java.util.Collections.list(f.entries())) {
        names.add(e.getName());
      }
    }
    return names;
  }

  private static String entryText(String name) throws IOException {
    try (JarFile f = new JarFile(jar.toFile())) {
      JarEntry e = f.getJarEntry(name);
      return e == null
          ? null
          : new String(f.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void jarHoldsOnlyShardKvClassesAndTheDriverServiceFile() throws IOException {
    List<String> classes = entries().stream().filter(n -> n.endsWith(".class")).toList();
    assertTrue(classes.contains("io/shardkv/driver/jdbc/ShardKvDriver.class"), classes.toString());
    for (String c : classes) {
      assertTrue(c.startsWith("io/shardkv/"), "a class outside io.shardkv (not relocated?): " + c);
    }
    String services = entryText("META-INF/services/java.sql.Driver");
    assertNotNull(services, "META-INF/services/java.sql.Driver is missing");
    assertEquals("io.shardkv.driver.jdbc.ShardKvDriver", services.trim());
    assertFalse(
        classes.stream().anyMatch(c -> c.contains("InMemoryKvBackend")),
        "test backend leaked into the jar");
  }

  @Test
  void jarAloneLoadsTheDriverThroughServiceLoaderAndAnswersAConnectClearly() throws Exception {
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Driver driver = null;
      for (Driver d : ServiceLoader.load(Driver.class, loader)) {
        if (d.getClass().getName().equals("io.shardkv.driver.jdbc.ShardKvDriver")) {
          driver = d;
        }
      }
      assertNotNull(driver, "ServiceLoader did not find ShardKvDriver in the jar");
      assertSame(
          loader, driver.getClass().getClassLoader(), "the driver must come from the jar alone");
      assertTrue(driver.acceptsURL("jdbc:shardkv://127.0.0.1:1"));
      DriverPropertyInfo[] props =
          driver.getPropertyInfo("jdbc:shardkv://127.0.0.1:1", new Properties());
      assertEquals("timeout", props[0].name);

      SQLException bad =
          assertThrows(SQLException.class, () -> connect(loader, "jdbc:shardkv:nonsense"));
      assertEquals("08001", bad.getSQLState());

      // Parsing a statement exercises the SQL classes inside the jar.
      Class<?> parser = loader.loadClass("io.shardkv.driver.jdbc.sql.Parser");
      Object parsed =
          parser.getMethod("parse", String.class).invoke(null, "SELECT v FROM kv WHERE k = ?");
      assertTrue(parsed.toString().contains("Select"), parsed.toString());

      boolean hasBackend =
          entryText("META-INF/services/io.shardkv.driver.jdbc.KvBackendFactory") != null;
      SQLException e =
          assertThrows(
              SQLException.class,
              () -> connect(loader, "jdbc:shardkv://127.0.0.1:1?connectTimeout=500&timeout=500"));
      assertEquals("08001", e.getSQLState());
      String expected =
          hasBackend
              ? "Cannot connect to the ShardKV cluster"
              : "No ShardKV client backend is available";
      assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
  }

  /**
   * Connects with the jar's driver, with the jar's loader as context loader (as a JDBC tool would).
   */
  private static void connect(ClassLoader loader, String url) throws Exception {
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    t.setContextClassLoader(loader);
    try {
      Driver d =
          ServiceLoader.load(Driver.class, loader).stream()
              .map(ServiceLoader.Provider::get)
              .filter(x -> x.getClass().getName().endsWith("ShardKvDriver"))
              .findFirst()
              .orElseThrow();
      d.connect(url, new Properties()).close();
    } finally {
      t.setContextClassLoader(before);
    }
  }
}
