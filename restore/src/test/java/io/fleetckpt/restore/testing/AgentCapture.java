package io.fleetckpt.restore.testing;

import io.fleetckpt.agent.CaptureRequest;
import io.fleetckpt.agent.CaptureResult;
import io.fleetckpt.agent.Capturer;
import io.fleetckpt.agent.ImageMapper;
import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.sys.Syscalls;
import io.fleetckpt.format.ImageReader;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.Image;

import java.nio.file.Path;
import java.util.List;

/**
 * Captures live processes with the agent's real capture (frozen, kcmp sharing) and passes the
 * image through the kernel-format writer and validating reader, as a stored image would be.
 */
public final class AgentCapture {
    private AgentCapture() {
    }

    public static Image capture(Path stateDir, List<Selector> selectors) throws Exception {
        try (Capturer c = new Capturer(Syscalls.system())) {
            CaptureResult r = c.capture(CaptureRequest.of(selectors).withThreads(1).withStateDir(stateDir));
            if (r.partial()) throw new IllegalStateException("partial capture: " + r);
            return ImageReader.readImage(ImageWriter.toBytes(ImageMapper.toImage(r)));
        }
    }
}
