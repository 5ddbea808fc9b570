namespace Warden.Core.Pipelines.Expressions;

/// <summary>An infix operation; <c>Position</c> is the operator's, <see cref="Symbol"/> the operator as written.</summary>
internal sealed record BinaryNode(
    SourcePosition Position, BinaryOperator Operator, string Symbol, ExpressionNode Left, ExpressionNode Right)
    : ExpressionNode(Position)
{
    public override int Height { get; } = Math.Max(Left.Height, Right.Height) + 1;

    public override SourcePosition Start => Left.Start;
}
