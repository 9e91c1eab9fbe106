/**
 * The command-line entry points ({@code java -jar upsampler.jar <command>}), built with picocli.
 * Commands parse flags into the engine's typed objects, read and write files through {@code io},
 * and report failures as one line on stderr with a non-zero exit status (see {@code Errors}).
 */
package dev.upsampler.cli;
