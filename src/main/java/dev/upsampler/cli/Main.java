package dev.upsampler.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar upsampler.jar <command>}: the entry point of every command. */
@Command(
    name = "upsampler",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Upsamples images and video with transposed-convolution kernels.",
    subcommands = {RunCommand.class, UpscaleCommand.class, EvalCommand.class, CompareCommand.class,
        ClusterCommand.class, TrainCommand.class, ImportCommand.class, PublishCommand.class,
        ConsumeCommand.class, SendCommand.class, ModelsCommand.class,
        DeconvCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    if (VectorRelaunch.wanted()) {
      var status = VectorRelaunch.run(args);
      if (status.isPresent()) {
        System.exit(status.get());
      }
    }
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line with the given streams and returns its exit status. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(new Errors.UsageHandler());
    cli.setExecutionExceptionHandler(new Errors.FailureHandler());
    return cli.execute(args);
  }

  @Override
  public void run() {
    // No command given: show what there is.
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** The version from the jar manifest (Implementation-Version). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"upsampler " + (v == null ? "(development build)" : v)};
    }
  }
}
