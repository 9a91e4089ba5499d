package io.shardkv.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one top command behind {@code bin/shardkv}. Each module owns its subcommands; this class only
 * lists them. Adding a tool means adding its command class to {@code subcommands} below.
 */
@Command(
    name = "shardkv",
    mixinStandardHelpOptions = true,
    versionProvider = ShardKv.Version.class,
    description = "ShardKV: a sharded key-value store replicated with Raft, and the tools that prove it correct.",
    subcommands = {
        CommandLine.HelpCommand.class,
        io.shardkv.linearizability.cli.CheckCommand.class,
        io.shardkv.server.sim.SimCommand.class,
        io.shardkv.server.process.ServerCommand.class,
        LocalClusterCommand.class,
        ClientCommand.class,
        CtlCommand.class,
        DemoCommand.class,
        BenchCommand.class,
        io.shardkv.chaos.ChaosCommand.class,
        io.shardkv.chaos.lab.LabCommand.class,
    })
public final class ShardKv implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // No subcommand given: show what there is, and fail like any other usage error.
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The top command with every subcommand answering {@code --version} with the project version. */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new ShardKv());
    for (CommandLine sub : cl.getSubcommands().values()) sub.getCommandSpec().versionProvider(new Version());
    // A file or directory problem (a bad --dir, a full disk) is the user's to fix: say what and where,
    // without a stack trace. Anything else is a bug and keeps picocli's default (the trace).
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      Throwable io = ex instanceof java.io.UncheckedIOException u ? u.getCause() : ex;
      if (!(io instanceof java.io.IOException e)) throw ex;
      cmd.getErr().println("shardkv " + cmd.getCommandName() + ": " + describe(e)
          + " (check the paths given, e.g. --dir: it must be a directory you can write)");
      cmd.getErr().flush();
      return 1;
    });
    return cl;
  }

  /** An I/O error in words (the JDK's exceptions often carry only the path). */
  static String describe(java.io.IOException e) {
    if (e instanceof java.nio.file.FileAlreadyExistsException) return e.getMessage() + " exists and is not a directory";
    if (e instanceof java.nio.file.NoSuchFileException) return "no such file or directory, or cannot create it: " + e.getMessage();
    if (e instanceof java.nio.file.AccessDeniedException) return "permission denied: " + e.getMessage();
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getFile() + ": " + f.getReason();
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** The project version Maven built ({@code shardkv-version.properties}, filtered at build time). */
  static String version() {
    try (java.io.InputStream in = ShardKv.class.getResourceAsStream("/shardkv-version.properties")) {
      if (in != null) {
        java.util.Properties p = new java.util.Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.isBlank() && !v.startsWith("${")) return v;
      }
    } catch (java.io.IOException e) {
      // fall through
    }
    return "(unknown version: built without Maven's resource filtering)";
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"shardkv " + version()};
    }
  }
}
