package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.SqlErrors;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Finds the {@link KvBackendFactory} for a connection: factories registered with {@link
 * #register(KvBackendFactory)} first, then those found by {@link ServiceLoader} on the driver's
 * class loader and on the thread's context class loader.
 *
 * <p>The JDBC layer ships no backend of its own: without the client library, connecting fails with
 * SQLState 08001 and a message saying so, rather than pretending to reach a cluster.
 */
public final class KvBackends {

  private static final List<KvBackendFactory> REGISTERED = new CopyOnWriteArrayList<>();

  private KvBackends() {}

  /** Makes {@code factory} available to every later connection (replacing one of the same name). */
  public static void register(KvBackendFactory factory) {
    REGISTERED.removeIf(f -> f.name().equalsIgnoreCase(factory.name()));
    REGISTERED.add(factory);
  }

  /** Removes a factory registered with {@link #register}; no effect on ServiceLoader ones. */
  public static void unregister(KvBackendFactory factory) {
    REGISTERED.remove(factory);
  }

  /** Every factory currently visible, registered ones first, one per name. */
  public static List<KvBackendFactory> available() {
    List<KvBackendFactory> all = new ArrayList<>(REGISTERED);
    addFrom(all, ServiceLoader.load(KvBackendFactory.class, KvBackends.class.getClassLoader()));
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null && context != KvBackends.class.getClassLoader()) {
      addFrom(all, ServiceLoader.load(KvBackendFactory.class, context));
    }
    return all;
  }

  private static void addFrom(List<KvBackendFactory> all, ServiceLoader<KvBackendFactory> loader) {
    for (KvBackendFactory f : loader) {
      if (all.stream().noneMatch(g -> g.name().equalsIgnoreCase(f.name()))) {
        all.add(f);
      }
    }
  }

  /** Picks the factory for {@code settings} from {@link #available()}. */
  static KvBackendFactory select(ConnectionSettings settings) throws SQLException {
    return select(settings, available());
  }

  /**
   * Picks the factory named by {@code backend=}, or the only one present.
   *
   * @throws SQLException 08001 if none is present, the named one is missing, or the choice is
   *     ambiguous
   */
  static KvBackendFactory select(ConnectionSettings settings, List<KvBackendFactory> factories)
      throws SQLException {
    if (factories.isEmpty()) {
      throw new SQLException(
          "No ShardKV client backend is available, so the driver cannot reach the cluster at "
              + settings.endpoints()
              + ". The JDBC layer needs the ShardKV client library on the class path "
              + "(an implementation of "
              + KvBackendFactory.class.getName()
              + " listed in META-INF/services); "
              + "this driver build does not contain one yet.",
          SqlErrors.UNABLE_TO_CONNECT);
    }
    List<String> names = factories.stream().map(KvBackendFactory::name).toList();
    if (settings.backend().isPresent()) {
      String wanted = settings.backend().get();
      for (KvBackendFactory f : factories) {
        if (f.name().equalsIgnoreCase(wanted)) {
          return f;
        }
      }
      throw new SQLException(
          "No ShardKV client backend named '"
              + wanted
              + "' is available (available: "
              + names
              + "); fix the backend= property",
          SqlErrors.UNABLE_TO_CONNECT);
    }
    if (factories.size() > 1) {
      throw new SQLException(
          "Several ShardKV client backends are available "
              + names
              + "; choose one with the URL property backend="
              + names.get(0).toLowerCase(Locale.ROOT),
          SqlErrors.UNABLE_TO_CONNECT);
    }
    return factories.get(0);
  }
}
