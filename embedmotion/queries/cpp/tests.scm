; GoogleTest tests.  Capture names (read by embedmotion.parsing):
;   @test         the TEST(...) body (tree-sitter reads it as a function definition)
;   @suite.name   the test suite name (first macro argument)
;   @name         the test name (second macro argument)
; The fragment is named "Suite.Name", as GoogleTest reports it.

(function_definition
  declarator: (function_declarator
    declarator: (identifier) @_macro
    parameters: (parameter_list
      .
      (parameter_declaration
        type: (type_identifier) @suite.name)
      .
      (parameter_declaration
        type: (type_identifier) @name)
      .))
  (#any-of? @_macro "TEST" "TEST_F" "TEST_P" "TYPED_TEST" "TYPED_TEST_P")) @test
