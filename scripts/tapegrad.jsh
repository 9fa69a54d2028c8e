// JShell start-up for tapegrad (scripts/jshell.sh): the engine's and the layers' packages, ready to use.
import io.github.tapegrad.engine.autodiff.*;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.tensor.Tolerance;
import io.github.tapegrad.engine.check.GradCheck;
import io.github.tapegrad.engine.graph.DotExport;
import io.github.tapegrad.nn.*;
import io.github.tapegrad.nn.tape.*;
import io.github.tapegrad.nn.optim.*;
