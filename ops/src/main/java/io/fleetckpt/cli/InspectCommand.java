package io.fleetckpt.cli;

import io.fleetckpt.cli.inspect.ImageWalker;
import io.fleetckpt.cli.inspect.InspectSink;
import io.fleetckpt.cli.inspect.ImageJsonSink;
import io.fleetckpt.cli.inspect.TextInspectSink;
import io.fleetckpt.format.FormatOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code fleetckpt inspect IMAGE}: what an image holds, and whether it is valid. */
@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
                "Show an fd-table image: header, process tree, and per task the fd table (fd, close-on-exec,"
                        + " type, decoded flags and mode, position, path; objrefs shared by several fds marked *),"
                        + " then a validation verdict with the offset of the first error. Everything read before"
                        + " an error is shown.",
                "IMAGE may be - for stdin, or a pipe or FIFO (inspect <(zcat x.img.gz)): a stream is read once, kept in a"
                        + " temp file as it is validated, and its size is what was read (up to the first error); ./- names a file called -."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the image is valid",
                "1:the image is invalid (the verdict names offset, record and field)",
                "2:usage error, or the file cannot be read"})
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "image file, - for stdin, or a pipe or FIFO")
    Path image;

    /** What {@code inspect -} reads; tests set it. */
    InputStream stdin = System.in;

    @Option(names = "--json", description = "one JSON document instead of text (for scripts)")
    boolean json;

    @Option(names = "--strict-v13", description = "also refuse the extensions (fd types 3..8, shared fd tables)")
    boolean strictV13;

    @Override
    public Integer call() throws IOException {
        FormatOptions options = FormatOptions.DEFAULT.withStrictV13(strictV13);
        PrintWriter text = spec.commandLine().getOut();
        InspectSink sink = json ? new ImageJsonSink(text) : new TextInspectSink(text);
        boolean valid;
        if (image.toString().equals("-")) {
            valid = ImageWalker.ofStream(stdin, "-", options).walk(sink) == null;
        } else if (Files.isRegularFile(image)) {
            valid = new ImageWalker(image, options).walk(sink) == null;
        } else {
            if (Files.isDirectory(image) || !Files.exists(image)) throw new CommandFailure(image + ": " + ImageFiles.whyNot(image));
            // a pipe (bash's <(...) is /dev/fd/N), a FIFO, a character device: read as a stream
            InputStream in;
            try {
                in = Files.newInputStream(image);
            } catch (java.nio.file.FileSystemException e) {
                throw new CommandFailure(image + ": cannot be read: " + ErrorHandler.reason(e));
            }
            try (in) {
                valid = ImageWalker.ofStream(in, image.toString(), options).walk(sink) == null;
            }
        }
        text.flush();
        return valid ? 0 : 1;
    }
}
