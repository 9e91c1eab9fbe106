package dev.upsampler.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** What every command shares: {@code --help}, {@code --verbose} and its output streams. */
@CommandLine.Command(mixinStandardHelpOptions = true, sortOptions = false)
abstract class BaseCommand implements Callable<Integer> {

  @Option(names = "--verbose", description = "Log details, and stack traces on errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints a line on stderr only with {@code --verbose}. */
  void debug(String line) {
    if (verbose) {
      err().println(line);
    }
  }

  /** Refuses an option combination with a usage error (exit status 2). */
  CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
