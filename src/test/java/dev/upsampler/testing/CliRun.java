package dev.upsampler.testing;

import dev.upsampler.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a command line in this JVM and keeps its exit status, stdout and stderr. */
public record CliRun(int status, String out, String err) {

  public static CliRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliRun(status, out.toString(), err.toString());
  }
}
