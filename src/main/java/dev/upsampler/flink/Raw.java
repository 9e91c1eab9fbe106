package dev.upsampler.flink;

import dev.upsampler.image.Frame;
import dev.upsampler.image.FrameInfo;
import dev.upsampler.image.PixelLayout;

/** Raw frames in and out of {@link FrameRecord}s (RGB24 or planar 4:2:0). */
final class Raw {
  private Raw() {}

  static void fill(FrameRecord r, Frame f) {
    r.width = f.width();
    r.height = f.height();
    r.yuv = f.layout() == PixelLayout.YUV420P;
    r.data = f.bytes();
  }

  static Frame frame(FrameRecord r) {
    return Frame.of8(r.yuv ? PixelLayout.YUV420P : PixelLayout.RGB24, r.width, r.height, r.data,
        FrameInfo.NONE);
  }
}
