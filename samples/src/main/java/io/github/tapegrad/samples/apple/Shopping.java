package io.github.tapegrad.samples.apple;

import io.github.tapegrad.engine.autodiff.Gradients;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.AddLayer;
import io.github.tapegrad.nn.InputGradients;
import io.github.tapegrad.nn.MulLayer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Section 5.4's shopping examples, computed twice: with the book's MulLayer and AddLayer, and on the tape.
 */
public final class Shopping {
    private Shopping() {}

    /** A price and the gradient of the price with respect to each named input, in the book's print order. */
    public record Result(double price, Map<String, Double> gradients) {}

    /** The recorded graph of one example: its tape, the price and the gradients of every value on it. */
    public record Recorded(Tape tape, Var price, Gradients all, Result result) {}

    /** 2 apples at 100 with tax 1.1, through two MulLayers: 220; dapple 2.2, dapple_num 110, dtax 200. */
    public static Result appleWithLayers() {
        MulLayer mulApple = new MulLayer();
        MulLayer mulTax = new MulLayer();
        Tensor applePrice = mulApple.forward(Tensor.scalar(100), Tensor.scalar(2));
        Tensor price = mulTax.forward(applePrice, Tensor.scalar(1.1));
        InputGradients dTaxLayer = mulTax.backward(Tensor.scalar(1));
        InputGradients dAppleLayer = mulApple.backward(dTaxLayer.dx());
        Map<String, Double> g = new LinkedHashMap<>();
        g.put("apple", dAppleLayer.dx().item());
        g.put("apple_num", dAppleLayer.dy().item());
        g.put("tax", dTaxLayer.dy().item());
        return new Result(price.item(), g);
    }

    /** The apple example on the tape. */
    public static Recorded appleOnTape() {
        Tape tape = new Tape();
        Var apple = tape.variable("apple", Tensor.scalar(100));
        Var appleNum = tape.variable("apple_num", Tensor.scalar(2));
        Var tax = tape.variable("tax", Tensor.scalar(1.1));
        Var price = apple.mul(appleNum).mul(tax);
        return recorded(tape, price, apple, appleNum, tax);
    }

    /** 2 apples at 100 and 3 oranges at 150 with tax 1.1: 715; dapple_num 110, dapple 2.2, dorange 3.3, dorange_num 165, dtax 650. */
    public static Result appleOrangeWithLayers() {
        MulLayer mulApple = new MulLayer();
        MulLayer mulOrange = new MulLayer();
        AddLayer addAppleOrange = new AddLayer();
        MulLayer mulTax = new MulLayer();
        Tensor applePrice = mulApple.forward(Tensor.scalar(100), Tensor.scalar(2));
        Tensor orangePrice = mulOrange.forward(Tensor.scalar(150), Tensor.scalar(3));
        Tensor allPrice = addAppleOrange.forward(applePrice, orangePrice);
        Tensor price = mulTax.forward(allPrice, Tensor.scalar(1.1));
        InputGradients dTax = mulTax.backward(Tensor.scalar(1));
        InputGradients dAll = addAppleOrange.backward(dTax.dx());
        InputGradients dOrange = mulOrange.backward(dAll.dy());
        InputGradients dApple = mulApple.backward(dAll.dx());
        Map<String, Double> g = new LinkedHashMap<>();
        g.put("apple_num", dApple.dy().item());
        g.put("apple", dApple.dx().item());
        g.put("orange", dOrange.dx().item());
        g.put("orange_num", dOrange.dy().item());
        g.put("tax", dTax.dy().item());
        return new Result(price.item(), g);
    }

    /** The apple-and-orange example on the tape. */
    public static Recorded appleOrangeOnTape() {
        Tape tape = new Tape();
        Var apple = tape.variable("apple", Tensor.scalar(100));
        Var appleNum = tape.variable("apple_num", Tensor.scalar(2));
        Var orange = tape.variable("orange", Tensor.scalar(150));
        Var orangeNum = tape.variable("orange_num", Tensor.scalar(3));
        Var tax = tape.variable("tax", Tensor.scalar(1.1));
        Var price = apple.mul(appleNum).add(orange.mul(orangeNum)).mul(tax);
        return recorded(tape, price, appleNum, apple, orange, orangeNum, tax);
    }

    private static Recorded recorded(Tape tape, Var price, Var... inputs) {
        Gradients all = tape.gradientsOfAll(price);
        Map<String, Double> g = new LinkedHashMap<>();
        for (Var v : inputs) g.put(v.name(), all.get(v).item());
        return new Recorded(tape, price, all, new Result(price.value().item(), g));
    }
}
