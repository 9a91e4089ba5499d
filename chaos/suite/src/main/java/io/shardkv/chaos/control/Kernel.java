package io.shardkv.chaos.control;

import io.shardkv.chaos.ChaosException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Whether a host runs on the control node's own kernel (a network namespace, a container, or this
 * machine itself): then its "real" clock is this machine's clock, and stepping it is forbidden.
 * The kernel's boot id ({@code /proc/sys/kernel/random/boot_id}) is not namespaced: equal ids mean
 * one kernel.
 */
public final class Kernel {
  public static final String BOOT_ID = "/proc/sys/kernel/random/boot_id";

  private Kernel() {}

  /** This machine's boot id. */
  public static String localBootId() {
    try {
      return Files.readString(Path.of(BOOT_ID)).strip();
    } catch (IOException e) {
      throw new ChaosException("cannot read " + BOOT_ID + " on the control node: " + e.getMessage(), e);
    }
  }

  /** The host's boot id, as it reports it. */
  public static String bootId(Remote r) {
    String id = r.execOk("cat " + BOOT_ID, Duration.ofSeconds(30)).strip();
    if (id.isEmpty()) throw new ChaosException("host " + r.host().name() + " reported an empty " + BOOT_ID);
    return id;
  }

  /** True if the host shares the control node's kernel. */
  public static boolean sharedWithControlNode(Remote r) {
    return bootId(r).equals(localBootId());
  }
}
