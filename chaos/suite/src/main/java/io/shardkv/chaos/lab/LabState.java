package io.shardkv.chaos.lab;

import io.shardkv.chaos.ChaosException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code DIR/lab.state}: what {@code lab up} set out to make, written before it makes anything, so
 * that {@code lab down} knows what to remove even after a crash half-way. Removed by {@code down}.
 */
record LabState(int hosts) {
  static final String FILE = "lab.state";

  static LabState read(Path dir) {
    Path f = dir.resolve(FILE);
    if (!Files.exists(f)) return null;
    try {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        String l = line.strip();
        if (l.startsWith("hosts=")) return new LabState(Integer.parseInt(l.substring("hosts=".length())));
      }
    } catch (IOException | NumberFormatException e) {
      throw new ChaosException(f + ": unreadable lab state (" + e.getMessage() + "); 'shardkv lab down' removes the lab by name");
    }
    return null;
  }

  static void write(Path dir, LabState s) {
    Path f = dir.resolve(FILE);
    Path tmp = dir.resolve(FILE + ".tmp");
    try {
      Files.writeString(tmp, "# shardkv lab state: written by 'lab up', removed by 'lab down'\nhosts=" + s.hosts()
          + "\nbridge=" + Lab.BRIDGE + "\nnamespaces=" + Lab.PREFIX + "n1.." + Lab.PREFIX + "n" + s.hosts() + "\n");
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ChaosException("cannot write " + f + ": " + e.getMessage(), e);
    }
  }
}
