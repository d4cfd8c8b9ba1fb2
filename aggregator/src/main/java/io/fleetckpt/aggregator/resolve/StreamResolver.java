package io.fleetckpt.aggregator.resolve;

import io.fleetckpt.aggregator.reassemble.CompleteStream;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.model.Image;

import java.io.IOException;

/** The resolve stage: a verified host stream in, the image model out (parse, then objrefs). */
public final class StreamResolver {
    private final HostStreamParser parser;
    private final ObjrefResolver resolver = new ObjrefResolver();

    public StreamResolver(FormatOptions options) {
        this.parser = new HostStreamParser(options);
    }

    /**
     * @throws io.fleetckpt.format.ImageFormatException a record breaks the kernel format
     * @throws StreamFormatException                     the records do not make one image
     */
    public Image resolve(CompleteStream stream) throws IOException {
        ParsedStream parsed = parser.parse(stream);
        Image image = resolver.resolve(parsed);
        if (stream.totals().getTasks() != parsed.sections().size() || stream.totals().getFds() != parsedFds(parsed)) {
            throw new StreamFormatException(-1, "END totals say " + stream.totals().getTasks() + " tasks and "
                    + stream.totals().getFds() + " fds, the task sections hold " + parsed.sections().size()
                    + " tasks and " + parsedFds(parsed) + " fds");
        }
        return image;
    }

    private static long parsedFds(ParsedStream p) {
        long n = 0;
        for (TaskSection s : p.sections()) n += s.fds().size();
        return n;
    }
}
