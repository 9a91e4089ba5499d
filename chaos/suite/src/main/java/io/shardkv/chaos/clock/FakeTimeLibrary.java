package io.shardkv.chaos.clock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where Debian's {@code libfaketime} package puts the preload library (multiarch paths). */
public final class FakeTimeLibrary {
  /**
   * The multi-threaded variant: it serializes libfaketime's own cached state between threads, and a
   * JVM reads clocks from many threads at once.
   */
  static final String NAME = "libfaketimeMT.so.1";
  static final List<String> DIRS = List.of("/usr/lib/x86_64-linux-gnu/faketime", "/usr/lib/aarch64-linux-gnu/faketime",
      "/usr/lib/faketime", "/usr/local/lib/faketime");

  private FakeTimeLibrary() {}

  /** The library on the control node, if installed. */
  public static Optional<Path> local() {
    for (String d : DIRS) {
      Path p = Path.of(d, NAME);
      if (Files.isReadable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }

  /** A shell command printing the library's path on a host (nothing if it is not installed). */
  static String locateCommand() {
    StringBuilder b = new StringBuilder("for f in");
    for (String d : DIRS) b.append(' ').append(d).append('/').append(NAME);
    b.append(" /usr/lib/*/faketime/").append(NAME).append("; do if [ -r \"$f\" ]; then echo \"$f\"; break; fi; done");
    return b.toString();
  }
}
