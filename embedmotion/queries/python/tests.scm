; Python tests, as pytest and unittest collect them.  Capture names (read by
; embedmotion.parsing):
;   @test.scope   a module or class whose functions named "test..." are tests
;                 (only those directly inside it, not nested in another function)
;   @name         the class's name
; pytest: functions whose names start with "test" at module level, and such methods of
; classes whose names start with "Test".  unittest: methods starting with "test" of
; classes deriving from something called ...TestCase.  A test method is named
; "TestStack.test_push".
; (Scopes match once per module or class, not once per function: cheaper to run.)

(module) @test.scope

((class_definition
   name: (identifier) @name) @test.scope
 (#match? @name "^Test"))

((class_definition
   name: (identifier) @name
   superclasses: (argument_list
     [(identifier) (attribute)] @_base)) @test.scope
 (#match? @_base "TestCase$"))
