package io.fleetckpt.agent.select;

import io.fleetckpt.format.model.TaskInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcStatTest {
    @Test
    void commWithParenthesesSpacesAndBytes() {
        // every numeric field n (4..52) holds n, so each lands where it must
        StringBuilder sb = new StringBuilder("4242 (a) b (\u00ff) S");
        for (int n = 4; n <= 52; n++) sb.append(' ').append(n);
        byte[] line = (sb + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ProcStat st = ProcStat.parse(line);
        assertEquals(4242, st.pid());
        assertArrayEquals("a) b (\u00ff".getBytes(StandardCharsets.ISO_8859_1), st.comm().toByteArray());
        assertEquals('S', st.stateLetter());
        assertEquals(4, st.ppid());
        assertEquals(6, st.session());
        assertEquals(9, st.flags());
        assertEquals(22, st.startTime());
        assertEquals(38, st.exitSignal());
        assertEquals(52, st.exitCode());
        TaskInfo ti = st.toTaskInfo(4242);
        assertEquals(1, ti.state());
        assertEquals(0, ti.exitState());
    }

    @Test
    void kernelThreadsAreToldApartByPfKthread() throws Exception {
        ProcStat two = ProcStat.read(2);
        org.junit.jupiter.api.Assumptions.assumeTrue(two != null && two.comm().utf8Lossy().equals("kthreadd"),
                "pid 2 is not kthreadd here (a pid namespace)");
        assertTrue(two.kernelThread());
        assertFalse(ProcStat.read((int) ProcessHandle.current().pid()).kernelThread());
    }
}
