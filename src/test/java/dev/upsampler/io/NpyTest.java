package dev.upsampler.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The .npy reader against files NumPy wrote (npy/generate_npy_fixtures.py), good and bad. */
class NpyTest {

  static Path fixture(String name) {
    try {
      return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static float[] expected() {
    float[] f = new float[24];
    for (int i = 0; i < 24; i++) {
      f[i] = i / 8f;
    }
    return f;
  }

  @ParameterizedTest
  @CsvSource({"f4.npy", "f8.npy", "v2.npy"})
  void readsWhatNumPyWrote(String name) throws IOException {
    NpyArray a = Npy.read(fixture(name));
    assertArrayEquals(new int[] {1, 2, 3, 4}, a.shape());
    assertArrayEquals(expected(), a.data());
  }

  /** NumPy saves transposed views (a TensorFlow kernel moved to PyTorch's layout) this way. */
  @Test
  void readsFortranOrderArraysInRowMajorOrder() throws IOException {
    NpyArray a = Npy.read(fixture("fortran.npy"));
    assertArrayEquals(new int[] {6, 4}, a.shape());
    assertArrayEquals(expected(), a.data());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "big_endian.npy  | big-endian dtype '>f4' is not supported",
      "int32.npy       | unsupported dtype '<i4'",
      "truncated.npy   | (truncated?)",
      "trailing.npy    | but the file holds 104 data bytes",
      "bad_magic.npy   | not a NumPy .npy file (bad magic bytes)",
      "empty.npy       | not a NumPy .npy file",
      "huge_shape.npy  | has more elements than one array can hold",
      "missing.npy     | no such file",
  })
  void refusesNamingTheFileAndTheCause(String name, String cause) {
    Path path = name.equals("missing.npy") ? fixture("f4.npy").resolveSibling(name)
        : fixture(name);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Npy.read(path));
    assertTrue(e.getMessage().startsWith(path.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(cause), e.getMessage());
  }

  @Test
  void roundTripsAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("y.npy");
    NpyArray a = new NpyArray(expected(), new int[] {2, 3, 4});
    Npy.write(out, a);
    NpyArray back = Npy.read(out);
    assertArrayEquals(a.shape(), back.shape());
    assertArrayEquals(a.data(), back.data());
    assertEquals(0, (Files.size(out) - 24 * 4) % 64, "header padded to 64 bytes");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void aFailedWriteLeavesNothingAtTheOutputPath(@TempDir Path dir) {
    Path out = dir.resolve("y.npy");
    assertThrows(IOException.class, () -> AtomicFiles.write(out, stream -> {
      stream.write(new byte[100]);
      throw new IOException("disk full (simulated)");
    }));
    assertTrue(dir.toFile().list().length == 0, "no partial or temporary file left");
  }
}
