"""One module per kind of answer, each behind ``Kind.answer``; ``policyqa.answer.compose`` routes between them."""
