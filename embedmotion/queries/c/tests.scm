; C tests.  Capture names (read by embedmotion.parsing):
;   @test   the test function (the same node the definitions query captures)
;   @name   its name
; The Unity / CMocka convention: a function returning void whose name starts with
; "test_" (`void test_parse_empty(void)`, `static void test_x(void **state)`).

(function_definition
  type: (primitive_type) @_void
  declarator: (function_declarator
    declarator: (identifier) @name)
  (#eq? @_void "void")
  (#match? @name "^test_")) @test
