package io.shardkv.chaos.db;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.control.LocalCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The jars a host needs to run a server ({@code io.shardkv.server.process.ServerMain}): what
 * {@code mvn -B -DskipTests package} builds ({@code cli/target/shardkv-cli.jar} and
 * {@code cli/target/lib/}), or the classpath of the running JVM (which is exactly that under
 * {@code bin/shardkv}; class directories, as in a reactor test run, are packed into jars). Shipped
 * as one tar file, unpacked on each host under {@code dist/ID/lib/}; the id is a hash of the
 * contents, so a host that has it already is not sent it again.
 */
public final class ServerDistribution {
  static final String MAIN_CLASS = "io.shardkv.server.process.ServerMain";
  private static final String MAIN_ENTRY = MAIN_CLASS.replace('.', '/') + ".class";

  private final List<Path> entries;
  private final String id;

  private ServerDistribution(List<Path> entries) {
    this.entries = List.copyOf(entries);
    this.id = hash(this.entries);
    if (this.entries.stream().noneMatch(ServerDistribution::holdsMain)) {
      throw new ChaosException("the server distribution (" + this.entries.size() + " classpath entries) lacks "
          + MAIN_CLASS + "; build ShardKV first: mvn -B -DskipTests package");
    }
  }

  /** The given jars and class directories. */
  public static ServerDistribution of(List<Path> entries) {
    return new ServerDistribution(entries);
  }

  /** What the build in {@code root} produced: cli/target/shardkv-cli.jar and cli/target/lib/*.jar. */
  public static ServerDistribution ofBuild(Path root) {
    Path jar = root.resolve("cli/target/shardkv-cli.jar");
    Path lib = root.resolve("cli/target/lib");
    if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
      throw new ChaosException("no ShardKV build in " + root + " (" + jar + " or " + lib + " is missing); run"
          + " mvn -B -DskipTests package there");
    }
    List<Path> l = new ArrayList<>(List.of(jar));
    try (Stream<Path> s = Files.list(lib)) {
      s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(l::add);
    } catch (IOException e) {
      throw new ChaosException("cannot list " + lib + ": " + e.getMessage(), e);
    }
    return new ServerDistribution(l);
  }

  /**
   * The running JVM's classpath, following {@code Class-Path} manifest entries (a manifest-only jar,
   * as test runners use, stands for the jars it names).
   */
  public static ServerDistribution ofRunningJvm() {
    LinkedHashSet<Path> out = new LinkedHashSet<>();
    for (String e : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
      if (!e.isBlank()) expand(Path.of(e).toAbsolutePath().normalize(), out);
    }
    return new ServerDistribution(new ArrayList<>(out));
  }

  private static void expand(Path p, LinkedHashSet<Path> out) {
    if (!Files.exists(p) || out.contains(p)) return;
    out.add(p);
    if (!Files.isRegularFile(p)) return;
    try (JarFile jar = new JarFile(p.toFile())) {
      Manifest m = jar.getManifest();
      String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
      if (cp == null) return;
      for (String ref : cp.trim().split("\\s+")) {
        if (ref.isEmpty()) continue;
        Path q = ref.startsWith("file:") ? Path.of(URI.create(ref)) : p.getParent().resolve(ref);
        expand(q.toAbsolutePath().normalize(), out);
      }
    } catch (IOException | IllegalArgumentException e) {
      // not a jar we can read: ship it as it is
    }
  }

  public List<Path> entries() {
    return entries;
  }

  /** A hash of the entries' contents (16 hex digits): the directory name on the hosts. */
  public String id() {
    return id;
  }

  /**
   * The tar file to ship ({@code lib/*.jar}), made in {@code workDir} unless it is there already.
   */
  public Path tarball(Path workDir) {
    Path tar = workDir.resolve("shardkv-dist-" + id + ".tar");
    if (Files.exists(tar)) return tar;
    String unique = ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime());
    Path stage = workDir.resolve("shardkv-dist-" + id + ".stage-" + unique);
    try {
      Path lib = stage.resolve("lib");
      Files.createDirectories(lib);
      int i = 0;
      for (Path e : entries) {
        i++;
        if (Files.isDirectory(e)) {
          packDirectory(e, lib.resolve(String.format("%02d-classes.jar", i)));
        } else {
          Files.copy(e, lib.resolve(String.format("%02d-%s", i, e.getFileName())), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Path part = workDir.resolve(tar.getFileName() + ".part-" + unique);
      LocalCommand.ok("tar", "-cf", part.toString(), "-C", stage.toString(), "lib");
      Files.move(part, tar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return tar;
    } catch (IOException e) {
      throw new ChaosException("cannot pack the server distribution in " + workDir + ": " + e.getMessage(), e);
    } finally {
      deleteTree(stage);
    }
  }

  private static boolean holdsMain(Path e) {
    if (Files.isDirectory(e)) return Files.isRegularFile(e.resolve(MAIN_ENTRY));
    try (JarFile jar = new JarFile(e.toFile())) {
      return jar.getEntry(MAIN_ENTRY) != null;
    } catch (IOException ex) {
      return false;
    }
  }

  private static void packDirectory(Path dir, Path jar) throws IOException {
    try (OutputStream o = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(o);
         Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        JarEntry je = new JarEntry(dir.relativize(f).toString().replace('\\', '/'));
        je.setTime(0);
        out.putNextEntry(je);
        Files.copy(f, out);
        out.closeEntry();
      }
    }
  }

  private static String hash(List<Path> entries) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Path e : entries) {
        if (Files.isDirectory(e)) {
          try (Stream<Path> files = Files.walk(e)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
              md.update(e.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
              digest(md, f);
            }
          }
        } else if (Files.isRegularFile(e)) {
          md.update(e.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          digest(md, e);
        }
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (IOException | NoSuchAlgorithmException ex) {
      throw new ChaosException("cannot read the server distribution: " + ex.getMessage(), ex);
    }
  }

  private static void digest(MessageDigest md, Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
    }
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
