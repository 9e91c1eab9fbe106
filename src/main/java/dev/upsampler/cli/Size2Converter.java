package dev.upsampler.cli;

import dev.upsampler.engine.Size2;
import picocli.CommandLine;

/** Parses {@code N} or {@code H,W} option values. */
final class Size2Converter implements CommandLine.ITypeConverter<Size2> {
  @Override
  public Size2 convert(String value) {
    try {
      return Size2.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
