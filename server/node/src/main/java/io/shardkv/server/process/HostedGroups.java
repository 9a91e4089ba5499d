package io.shardkv.server.process;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which groups a server hosts a replica of, and each group's seed configuration — kept in the
 * server's own data directory ({@code DIR/hosted-groups}), because group membership lives in the
 * groups (Raft CONFIG entries, docs/membership.md) and the config file's {@code group} lines only
 * seed it (issue 11/16). The first start of a server with no such file writes it from the config
 * file; from then on the file decides: {@code ctl add-replica} adds a line (before the replica's
 * storage is created), {@code ctl remove-replica} drops one (before its storage is moved aside).
 *
 * <p>The seed of a group is its configuration at index 0 — the voters its config-file line named
 * when the group was created — and is the same on every replica for the group's whole life: a
 * snapshot records the configuration only when it differs from the seed (SnapshotMeta), so a
 * replica must never see a different seed than the rest of its group, even after the operator
 * edits the config file. A replica added later gets the seed from the leader.
 *
 * <p>Format, one line per hosted group ({@code #} comments):
 * {@code group G seed=ID,ID,...}. Written to a temporary file, fsynced, renamed over the old one.
 * Only the server format has this file (the older node format hosts one fixed group per process).
 */
final class HostedGroups {
  static final String FILE = "hosted-groups";

  private final Path file;
  /** Group → its seed voters, ascending. */
  private final TreeMap<Integer, List<Integer>> seeds;

  private HostedGroups(Path file, TreeMap<Integer, List<Integer>> seeds) {
    this.file = file;
    this.seeds = seeds;
  }

  /**
   * The server's hosted groups: read from {@code DIR/hosted-groups} when it exists, else seeded from
   * the config file's group lines and written. In the node format: the config file's one group, no file.
   */
  static HostedGroups loadOrSeed(ClusterConfig cluster, int id) throws IOException {
    TreeMap<Integer, List<Integer>> seeded = new TreeMap<>();
    for (int g : cluster.groupsOf(id)) seeded.put(g, cluster.members(g));
    if (cluster.nodeFormat()) return new HostedGroups(null, seeded);
    Path dir = cluster.server(id).dir();
    Path file = dir.resolve(FILE);
    if (Files.exists(file)) return new HostedGroups(file, parse(file));
    HostedGroups h = new HostedGroups(file, seeded);
    Files.createDirectories(dir);
    h.write();
    return h;
  }

  static TreeMap<Integer, List<Integer>> parse(Path file) throws IOException {
    TreeMap<Integer, List<Integer>> m = new TreeMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      if (hash >= 0) line = line.substring(0, hash);
      line = line.trim();
      if (line.isEmpty()) continue;
      String[] p = line.split("\\s+");
      try {
        if (p.length != 3 || !p[0].equals("group") || !p[2].startsWith("seed=")) throw new NumberFormatException();
        List<Integer> seed = new ArrayList<>();
        for (String s : p[2].substring(5).split(",")) seed.add(Integer.parseInt(s.trim()));
        Collections.sort(seed);
        m.put(Integer.parseInt(p[1]), List.copyOf(seed));
      } catch (NumberFormatException e) {
        throw new IOException(file + ":" + (i + 1) + ": expected 'group G seed=ID,ID,...', got '" + lines.get(i)
            + "' (this file is written by the server; restore it from a backup or rewrite that line)");
      }
    }
    return m;
  }

  /** True when this server can change what it hosts (the server format). */
  boolean mutable() {
    return file != null;
  }

  /** Group → seed voters, ascending (a copy). */
  synchronized SortedMap<Integer, List<Integer>> seeds() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(seeds));
  }

  synchronized List<Integer> seed(int group) {
    return seeds.get(group);
  }

  /** Records that this server hosts {@code group} (durable on return). */
  synchronized void add(int group, List<Integer> seed) throws IOException {
    List<Integer> sorted = new ArrayList<>(seed);
    Collections.sort(sorted);
    seeds.put(group, List.copyOf(sorted));
    write();
  }

  /** Records that this server no longer hosts {@code group} (durable on return). */
  synchronized void remove(int group) throws IOException {
    if (seeds.remove(group) != null) write();
  }

  private void write() throws IOException {
    StringBuilder b = new StringBuilder("# ShardKV: the groups this server hosts a replica of, and each group's seed\n"
        + "# configuration (written by the server; docs/membership.md). The config file's group lines only seed it.\n");
    seeds.forEach((g, seed) -> b.append("group ").append(g).append(" seed=")
        .append(String.join(",", seed.stream().map(String::valueOf).toList())).append('\n'));
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some filesystems cannot fsync a directory; the rename itself is atomic
    }
  }
}
