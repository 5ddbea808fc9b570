using Warden.Training.Mitigation;

namespace Warden.Training.Tests.Mitigation;

public class LinearProgramTests
{
    /// <summary>min −x − 2y s.t. x + y ≤ 4, x + 3y ≤ 6, x, y ≥ 0: vertices (0,0), (4,0), (3,1), (0,2) give 0, −4, −5, −4, so (3, 1).</summary>
    [Fact]
    public void Inequality_program_reaches_the_best_vertex()
    {
        var x = LinearProgram.Minimize([-1, -2], [[1, 1], [1, 3]], [4, 6], [false, false])!;

        Assert.Equal(3, x[0], 9);
        Assert.Equal(1, x[1], 9);
    }

    /// <summary>min 2a + 3b + c s.t. a + b + c = 1, a − c ≤ −0.2 (so c ≥ a + 0.2): the cheapest is a = 0, c = 1, b = 0 (cost 1).</summary>
    [Fact]
    public void Equality_and_negative_right_hand_side_go_through_phase_one()
    {
        var x = LinearProgram.Minimize([2, 3, 1], [[1, 1, 1], [1, 0, -1]], [1, -0.2], [true, false])!;

        Assert.Equal([0, 0, 1], x.Select(v => Math.Round(v, 9)));
    }

    [Fact]
    public void Infeasible_program_is_null()
    {
        Assert.Null(LinearProgram.Minimize([1], [[1], [1]], [1, 2], [true, true]));
    }
}
