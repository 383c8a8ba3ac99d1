; Python tests, as pytest and unittest collect them.  Capture names (read by
; embedmotion.parsing):
;   @test         a test function (the same node the definitions query captures)
;   @test.class   a test class: its methods whose names start with "test" are tests ("TestStack.test_push")
;   @name         the test's or class's name
; pytest: module-level functions whose names start with "test", and such methods of
; classes whose names start with "Test".  unittest: methods starting with "test" of
; classes deriving from something called ...TestCase.
; (Class patterns match once per class, not once per method: cheaper to run.)

(module
  (function_definition
    name: (identifier) @name) @test
  (#match? @name "^test"))

(module
  (decorated_definition
    definition: (function_definition
      name: (identifier) @name) @test)
  (#match? @name "^test"))

((class_definition
   name: (identifier) @name) @test.class
 (#match? @name "^Test"))

((class_definition
   name: (identifier) @name
   superclasses: (argument_list
     [(identifier) (attribute)] @_base)) @test.class
 (#match? @_base "TestCase$"))
