package dev.upsampler.cli;

import dev.upsampler.engine.ShapeException;
import dev.upsampler.engine.SpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * How commands fail: one line on stderr naming the cause, no stack trace unless {@code
 * --verbose}, and an exit status that tells usage errors (2) from bad input (1) and from bugs (70).
 */
final class Errors {
  static final int BAD_INPUT = 1;
  static final int USAGE = 2;
  static final int INTERNAL = 70;

  private Errors() {}

  /** Unknown options, missing required ones, unparseable values. */
  static final class UsageHandler implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      cmd.getErr().println(name(cmd) + ": " + ex.getMessage()
          + " (see '" + name(cmd) + " --help')");
      return USAGE;
    }
  }

  /** Exceptions thrown while a command runs. */
  static final class FailureHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
        Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
      boolean verbose = cmd.getCommand() instanceof BaseCommand base && base.verbose;
      boolean expected = ex instanceof SpecException || ex instanceof ShapeException
          || ex instanceof IOException || ex instanceof UncheckedIOException
          || ex instanceof IllegalArgumentException;
      if (ex instanceof CommandLine.ParameterException pe) {
        return new UsageHandler().handleParseException(pe, new String[0]);
      }
      String message = expected ? ex.getMessage()
          : "internal error: " + ex + (verbose ? "" : " (rerun with --verbose for details)");
      cmd.getErr().println(name(cmd) + ": " + message);
      if (verbose) {
        ex.printStackTrace(cmd.getErr());
      }
      return expected ? BAD_INPUT : INTERNAL;
    }
  }

  private static String name(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName();
  }
}
