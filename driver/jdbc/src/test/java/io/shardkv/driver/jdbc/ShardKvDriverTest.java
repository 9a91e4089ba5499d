package io.shardkv.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ShardKvDriverTest {

  @Test
  void serviceLoaderFindsTheDriverThroughMetaInfServices() {
    List<String> drivers =
        ServiceLoader.load(Driver.class).stream().map(p -> p.type().getName()).toList();
    assertTrue(drivers.contains(ShardKvDriver.class.getName()), drivers.toString());
  }

  @Test
  void driverManagerPicksThisDriverForShardKvUrlsWithoutClassForName() throws SQLException {
    assertInstanceOf(ShardKvDriver.class, DriverManager.getDriver("jdbc:shardkv://h:1"));
  }

  @Test
  void driverManagerConnectsThroughTheOnlyBackendPresent() throws SQLException {
    InMemoryCluster cluster = InMemoryCluster.fresh();
    try (Connection c = DriverManager.getConnection(cluster.url())) {
      assertTrue(c.isValid(1));
      assertEquals(1, cluster.openBackends.get());
    }
    assertEquals(0, cluster.openBackends.get());
  }

  @Test
  void connectReturnsNullForOtherDriversUrls() throws SQLException {
    assertNull(new ShardKvDriver().connect("jdbc:h2:mem:x", new Properties()));
  }

  @Test
  void acceptsUrlIsTrueForEveryShardKvUrlSoMalformedOnesGetAClearError() throws SQLException {
    ShardKvDriver d = new ShardKvDriver();
    assertTrue(d.acceptsURL("jdbc:shardkv://a:1,b:2"));
    assertTrue(d.acceptsURL("jdbc:shardkv:oops"));
    assertFalse(d.acceptsURL("jdbc:mysql://a/b"));
    SQLException e =
        assertThrows(SQLException.class, () -> DriverManager.getConnection("jdbc:shardkv:oops"));
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains("Expected jdbc:shardkv://host:port"), e.getMessage());
  }

  @Test
  void versionsAndComplianceAreReported() {
    ShardKvDriver d = new ShardKvDriver();
    assertEquals(ShardKvDriver.MAJOR_VERSION, d.getMajorVersion());
    assertEquals(ShardKvDriver.MINOR_VERSION, d.getMinorVersion());
    assertEquals(d.getMajorVersion() + "." + d.getMinorVersion() + ".0", ShardKvDriver.VERSION);
    assertFalse(d.jdbcCompliant());
  }

  @Test
  void propertyInfoListsEveryDocumentedPropertyWithItsCurrentValue() throws SQLException {
    Properties info = new Properties();
    info.setProperty("retries", "9");
    DriverPropertyInfo[] props =
        new ShardKvDriver().getPropertyInfo("jdbc:shardkv://h:1?timeout=250", info);
    Map<String, DriverPropertyInfo> byName =
        Arrays.stream(props).collect(Collectors.toMap(p -> p.name, Function.identity()));
    assertEquals(
        List.of("timeout", "connectTimeout", "retries", "backend"),
        Arrays.stream(props).map(p -> p.name).toList());
    assertEquals("250", byName.get("timeout").value);
    assertEquals("9", byName.get("retries").value);
    assertEquals("10000", byName.get("connectTimeout").value);
    for (DriverPropertyInfo p : props) {
      assertFalse(p.required);
      assertTrue(p.description != null && p.description.length() > 20, p.name);
    }
  }

  @Test
  void propertyInfoForABarePrefixGivesDefaultsSoToolsCanShowTheForm() throws SQLException {
    DriverPropertyInfo[] props = new ShardKvDriver().getPropertyInfo("jdbc:shardkv:", null);
    assertEquals("5000", props[0].value);
  }

  @Test
  void withoutAnyBackendConnectingFailsWithAClearMessage() throws SQLException {
    ConnectionSettings s = ConnectionSettings.parse("jdbc:shardkv://10.1.1.1:7000", null);
    SQLException e = assertThrows(SQLException.class, () -> KvBackends.select(s, List.of()));
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains("No ShardKV client backend is available"), e.getMessage());
    assertTrue(e.getMessage().contains("10.1.1.1:7000"), e.getMessage());
  }

  @Test
  void unknownBackendNameIsRejectedListingTheAvailableOnes() {
    InMemoryCluster cluster = InMemoryCluster.fresh();
    SQLException e =
        assertThrows(
            SQLException.class, () -> DriverManager.getConnection(cluster.url("backend=nosuch")));
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains("No ShardKV client backend named 'nosuch'"), e.getMessage());
    assertTrue(e.getMessage().contains("memory"), e.getMessage());
  }

  @Test
  void severalBackendsNeedAnExplicitChoice() throws SQLException {
    ConnectionSettings s = ConnectionSettings.parse("jdbc:shardkv://h:1", null);
    KvBackendFactory other =
        new KvBackendFactory() {
          @Override
          public String name() {
            return "other";
          }

          @Override
          public KvBackend open(ConnectionSettings settings) {
            throw new AssertionError("not used");
          }
        };
    List<KvBackendFactory> two = List.of(new InMemoryKvBackendFactory(), other);
    SQLException e = assertThrows(SQLException.class, () -> KvBackends.select(s, two));
    assertTrue(e.getMessage().contains("backend="), e.getMessage());
    assertEquals(
        other,
        KvBackends.select(ConnectionSettings.parse("jdbc:shardkv://h:1?backend=OTHER", null), two));
  }

  @Test
  void registeredBackendIsFoundWithoutServiceLoader() throws SQLException {
    KvBackendFactory registered =
        new KvBackendFactory() {
          @Override
          public String name() {
            return "registered-for-test";
          }

          @Override
          public KvBackend open(ConnectionSettings settings) throws KvDefiniteFailureException {
            return new InMemoryKvBackendFactory().open(settings);
          }
        };
    KvBackends.register(registered);
    try {
      InMemoryCluster cluster = InMemoryCluster.fresh();
      try (Connection c = DriverManager.getConnection(cluster.url("backend=registered-for-test"))) {
        assertTrue(c.isValid(0));
      }
    } finally {
      KvBackends.unregister(registered);
    }
    assertFalse(KvBackends.available().contains(registered));
  }

  @Test
  void unreachableClusterIsATransientConnectFailureNamingTheNodes() {
    InMemoryCluster cluster = InMemoryCluster.fresh();
    cluster.refuseConnections = true;
    SQLException e =
        assertThrows(SQLException.class, () -> DriverManager.getConnection(cluster.url()));
    assertInstanceOf(SQLTransientConnectionException.class, e);
    assertEquals("08001", e.getSQLState());
    assertTrue(
        e.getMessage()
            .contains("Cannot connect to the ShardKV cluster at [" + cluster.name + ":7000]"),
        e.getMessage());
  }
}
